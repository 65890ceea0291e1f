"""The baseline: a bare Flask app with one "hello" endpoint, served by the same gunicorn settings.

Whatever the real app costs on top of this is ours (auth, database, serialisation); the rest is
Flask, gunicorn and the machine.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "hello"
