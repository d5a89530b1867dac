from django import forms
from django.utils.translation import gettext_lazy as _


class FacilityUploadForm(forms.Form):
    file = forms.FileField(label=_("Inventory (CSV, UTF-8)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
