"""The HTTP edge: a FastAPI app over the job use cases, and the web app it serves.

Build it with :func:`jamak.api.app.create_app`; nothing here runs at import time.
"""
