"""Parses MLmodel files with mlflow.models.Model.load and reports what MLflow understood.

usage: parse_mlmodel.py <model_dir>...
Prints one JSON object per model: flavors, signature (to_dict), run_id, artifact_path, model_id,
saved_input_example_info, and whether a round trip through to_yaml keeps unknown keys.
"""
import json
import sys

import yaml
from mlflow.models import Model

results = []
for path in sys.argv[1:]:
    model = Model.load(path)
    again = yaml.safe_load(model.to_yaml())
    results.append({
        "path": path,
        "flavors": sorted(model.flavors.keys()),
        "signature": model.signature.to_dict() if model.signature is not None else None,
        "signature_inputs": [str(spec) for spec in model.signature.inputs.inputs] if model.signature is not None and model.signature.inputs is not None else None,
        "run_id": model.run_id,
        "artifact_path": model.artifact_path,
        "model_id": getattr(model, "model_id", None),
        "saved_input_example_info": model.saved_input_example_info,
        "round_trip_keys": sorted(again.keys()),
    })
print(json.dumps(results))
