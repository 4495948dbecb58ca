from .bootstrap import build

build().run()
