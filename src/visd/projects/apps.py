from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "visd.projects"
    label = "projects"
