"""vigil-sdk: send predictions, labels, metrics, logs, pipeline and training runs to Vigil.

Example::

    from vigil_sdk import VigilClient

    client = VigilClient("http://127.0.0.1:8470", "my-api-key")
    client.log_prediction({"id": "req-1", "model": "churn", "version": "3",
                           "features": {"age": 41}, "prediction": "yes", "score": 0.8})
    client.close()
"""

from ._http import backoff_delay
from .client import VigilClient
from .errors import VigilApiError, VigilSdkError

__all__ = ["VigilClient", "VigilApiError", "VigilSdkError", "backoff_delay"]
__version__ = "0.1.0"
