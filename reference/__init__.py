"""Reference implementations of the external systems OpenDVC talks to, for development and tests.

Each is a separate small web application with its own process, port and data, speaking the real
protocol over HTTP — never a patched-out function of the portal. ``registry.py`` lists them;
``make run`` starts every one beside the portal, and the tests start the ones they need
(the ``reference_service`` fixture).
"""
