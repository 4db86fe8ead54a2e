from rkc import create_app
from rkc.collector import tune_for_serving

app = create_app()
tune_for_serving()
