from rkc import create_app

app = create_app()
