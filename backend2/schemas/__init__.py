"""Marshmallow schemas: what comes in (load) and what goes out (dump), both apps' names."""
