"""Generate the benchmark trees (issue 7). Usage: python3 benches/trees.py KIND DIR

KIND is one of
  small     a typical Django app of about 30 files, valid enough for `python manage.py check --deploy`;
  monorepo  20,000 files: the Django app at the root, three more services, a `.venv` of 10,000 files and a
            `frontend/node_modules` of 5,000;
  wide      200,000 files present and about 50 read: the Django app at the root, 199,950 asset files
            (images, JSON fixtures, translations) that neither tool reads;
  src       200,000 Python files in 400 packages with a Flask app under `src/`: the worst case for this
            tool, which searches the whole tree for the app when none is at the root.
Deterministic: the same KIND gives the same bytes.
"""

import os
import sys

APPS = ["blog", "shop", "accounts"]

SETTINGS = """\
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = [os.environ["WEBSITE_HOSTNAME"]] if "WEBSITE_HOSTNAME" in os.environ else ["localhost"]
CSRF_TRUSTED_ORIGINS = ["https://" + host for host in ALLOWED_HOSTS]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
{apps}]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "mysite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DBNAME", "app"),
        "HOST": os.environ.get("DBHOST", "localhost"),
        "USER": os.environ.get("DBUSER", "app"),
        "PASSWORD": os.environ.get("DBPASS", ""),
        "OPTIONS": {"sslmode": "require"},
    }
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""

MANAGE = """\
#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""

WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_wsgi_application()
"""


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def django_app(root):
    """The ~30-file Django app every tree but `src` has at its root."""
    apps = "".join(f'    "{app}",\n' for app in APPS)
    write(root, "manage.py", MANAGE)
    write(root, "mysite/__init__.py", "")
    write(root, "mysite/settings.py", SETTINGS.replace("{apps}", apps))
    write(root, "mysite/wsgi.py", WSGI)
    write(root, "mysite/asgi.py", WSGI.replace("wsgi", "asgi").replace("application = get_asgi", "application = get_asgi"))
    urls = "".join(f'    path("{app}/", include("{app}.urls")),\n' for app in APPS)
    write(
        root,
        "mysite/urls.py",
        "from django.contrib import admin\nfrom django.urls import include, path\n\n"
        f'urlpatterns = [\n    path("admin/", admin.site.urls),\n{urls}]\n',
    )
    for app in APPS:
        title = app.capitalize()
        write(root, f"{app}/__init__.py", "")
        write(root, f"{app}/apps.py", f"from django.apps import AppConfig\n\n\nclass {title}Config(AppConfig):\n    name = \"{app}\"\n")
        write(
            root,
            f"{app}/models.py",
            "from django.db import models\n\n\n"
            f"class Item(models.Model):\n    name = models.CharField(max_length=100)\n    created = models.DateTimeField(auto_now_add=True)\n",
        )
        write(root, f"{app}/admin.py", "from django.contrib import admin\n\nfrom .models import Item\n\nadmin.site.register(Item)\n")
        write(
            root,
            f"{app}/views.py",
            "from django.shortcuts import render\n\nfrom .models import Item\n\n\n"
            f"def index(request):\n    return render(request, \"{app}/index.html\", {{\"items\": Item.objects.all()}})\n",
        )
        write(root, f"{app}/urls.py", "from django.urls import path\n\nfrom . import views\n\nurlpatterns = [path(\"\", views.index)]\n")
        write(root, f"{app}/tests.py", "from django.test import TestCase\n\n\nclass SmokeTest(TestCase):\n    def test_true(self):\n        self.assertTrue(True)\n")
        write(root, f"{app}/migrations/__init__.py", "")
        write(root, f"{app}/templates/{app}/index.html", "{% extends 'base.html' %}{% block body %}{% for i in items %}{{ i.name }}{% endfor %}{% endblock %}\n")
    write(root, "templates/base.html", "<!doctype html><html><body>{% block body %}{% endblock %}</body></html>\n")
    write(root, "static/css/site.css", "body { font-family: sans-serif; }\n")
    write(root, "requirements.txt", "Django==5.1.4\ngunicorn==23.0.0\npsycopg[binary]==3.2.3\nwhitenoise==6.8.2\n")
    write(root, ".gitignore", ".venv/\nnode_modules/\nstaticfiles/\n__pycache__/\n")


def monorepo(root):
    django_app(root)
    count = sum(len(files) for _, _, files in os.walk(root))
    # Three more services: 4,950 Python modules in all.
    for service in range(3):
        for package in range(33):
            for module in range(50):
                write(
                    root,
                    f"services/svc{service}/pkg{package}/mod{module}.py",
                    f"import json\n\n\ndef handle_{module}(event):\n    return json.dumps({{'module': {module}, 'event': event}})\n",
                )
    # A virtual environment someone created in the repo (gitignored): 10,000 files.
    write(root, ".venv/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n")
    for package in range(100):
        for module in range(100 if package else 99):
            write(
                root,
                f".venv/lib/python3.11/site-packages/lib{package}/m{module}.py",
                f"VALUE = {module}\n\n\ndef f(x):\n    return x + VALUE\n",
            )
    # The front end's node_modules: 5,000 files.
    for package in range(100):
        for module in range(50):
            write(root, f"frontend/node_modules/pkg{package}/lib/m{module}.js", f"module.exports = {module};\n")
    count = sum(len(files) for _, _, files in os.walk(root))
    # Top up to exactly 20,000 files with front-end sources.
    for extra in range(20000 - count):
        write(root, f"frontend/src/c{extra}.js", f"export const c = {extra};\n")


def wide(root):
    django_app(root)
    count = sum(len(files) for _, _, files in os.walk(root))
    made = 0
    total = 200000 - count
    folder = 0
    while made < total:
        for i in range(min(500, total - made)):
            kind = i % 3
            if kind == 0:
                rel = f"media/fixtures/f{folder}/item{i}.json"
                text = f'{{"pk": {i}, "model": "shop.item", "fields": {{"name": "item {i}"}}}}\n'
            elif kind == 1:
                rel = f"media/images/f{folder}/img{i}.svg"
                text = f'<svg xmlns="http://www.w3.org/2000/svg"><text>{i}</text></svg>\n'
            else:
                rel = f"locale/f{folder}/m{i}.po"
                text = f'msgid "item {i}"\nmsgstr ""\n'
            write(root, rel, text)
            made += 1
        folder += 1


def src(root):
    write(root, "requirements.txt", "flask\n")
    write(root, "src/app/main.py", "from flask import Flask\napp = Flask(__name__)\n")
    for package in range(400):
        for module in range(500):
            write(
                root,
                f"pkgs/p{package}/m{module}.py",
                f"import os\nX = {module}\ndef f():\n    return os.environ.get('A')\n",
            )


def main():
    kind, root = sys.argv[1], sys.argv[2]
    os.makedirs(root, exist_ok=True)
    {"small": django_app, "monorepo": monorepo, "wide": wide, "src": src}[kind](root)
    print(f"{kind}: {sum(len(files) for _, _, files in os.walk(root))} files in {root}")


if __name__ == "__main__":
    main()
