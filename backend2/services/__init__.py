"""The rules, shared by REST controllers and socket handlers, in packages that import only
downwards, in this order (tests/unit/test_layers.py holds it):

    support < people < media < conversations < messages < calls < push < accounts < operations < legacy

A module may import its own package and any package before it, never one after it.
"""
