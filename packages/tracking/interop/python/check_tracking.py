"""What MLflow's own client sees of a model jsfunc logged.

usage: check_tracking.py <tracking_uri> <run_id> <registered_name> <version> <alias> [<inputs.json>]
Prints JSON: run status/params/metrics/tags, the version's source/status/run_id, the alias target,
the model files, and (with inputs.json) predictions of mlflow.pyfunc.load_model('models:/name/version').
"""
import json
import os
import sys

import mlflow
import numpy as np
from mlflow import MlflowClient

tracking_uri, run_id, name, version, alias = sys.argv[1:6]
mlflow.set_tracking_uri(tracking_uri)
client = MlflowClient()
run = client.get_run(run_id)
mv = client.get_model_version(name, version)
by_alias = client.get_model_version_by_alias(name, alias)
download = client.get_model_version_download_uri(name, version)

def list_files(uri):
    local = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version}")
    out = []
    for root, _dirs, files in os.walk(local):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), local))
    return sorted(out)

result = {
    "run": {
        "status": run.info.status,
        "experiment_id": run.info.experiment_id,
        "params": run.data.params,
        "metrics": run.data.metrics,
        "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
        "model_outputs": [o.model_id for o in (run.outputs.model_outputs if run.outputs else [])],
    },
    "version": {"source": mv.source, "status": mv.status, "run_id": mv.run_id, "version": str(mv.version), "model_id": getattr(mv, "model_id", None)},
    "alias_version": str(by_alias.version),
    "download_uri": download,
    "files": list_files(download),
}
if len(sys.argv) > 6:
    model = mlflow.pyfunc.load_model(f"models:/{name}/{version}")
    rows = np.asarray(json.load(open(sys.argv[6])), dtype=np.float32)
    out = model.predict(rows)
    result["predictions"] = {k: np.asarray(v).tolist() for k, v in out.items()} if isinstance(out, dict) else np.asarray(out).tolist()
print(json.dumps(result))
