"""Trains a scikit-learn model, converts it with skl2onnx, saves it with mlflow.onnx.save_model.

usage: train_sklearn_onnx.py <model_dir> <inputs.json>
Prints JSON {"predictions": [[...]], "input_name": ..., "output_names": [...]} computed in Python
by mlflow.pyfunc.load_model(<model_dir>).predict on the rows of inputs.json.
"""
import json
import sys

import mlflow
import mlflow.onnx
import numpy as np
from mlflow.models import infer_signature
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

model_dir, inputs_file = sys.argv[1], sys.argv[2]
X, y = load_diabetes(return_X_y=True)
X = X.astype(np.float32)
regressor = Ridge(alpha=0.5).fit(X, y)
onnx_model = convert_sklearn(regressor, initial_types=[("input", FloatTensorType([None, X.shape[1]]))], target_opset=17)
signature = infer_signature(X[:5], regressor.predict(X[:5]).astype(np.float32).reshape(-1, 1))
mlflow.onnx.save_model(onnx_model, model_dir, signature=signature, input_example=X[:2])

rows = np.asarray(json.load(open(inputs_file)), dtype=np.float32)
pyfunc = mlflow.pyfunc.load_model(model_dir)
out = pyfunc.predict(rows)
first = next(iter(out.values())) if isinstance(out, dict) else out
print(json.dumps({"predictions": np.asarray(first).tolist(), "sklearn": regressor.predict(rows).tolist()}))
