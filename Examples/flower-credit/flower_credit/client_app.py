"""A placeholder ClientApp: the nodes of this federation are DataFi's Swift SuperNodes, which train
without running Python. Flower requires an app to name one."""
from flwr.app import Context, Message
from flwr.clientapp import ClientApp

app = ClientApp()


@app.train()
def train(msg: Message, context: Context) -> Message:
    raise RuntimeError("this federation's nodes are DataFi Swift SuperNodes")
