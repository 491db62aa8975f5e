"""Reads a jsfunc-written mlruns/ file store with MLflow's own client.

usage: read_file_store.py <mlruns_dir> <run_id> <registered_name> <alias>
"""
import json
import os
import sys

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
import mlflow
from mlflow import MlflowClient
from mlflow.models import Model

root, run_id, name, alias = sys.argv[1:5]
uri = "file://" + os.path.abspath(root)
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
client = MlflowClient()
run = client.get_run(run_id)
experiment = client.get_experiment(run.info.experiment_id)
mv = client.get_model_version_by_alias(name, alias)
local = mlflow.artifacts.download_artifacts(f"runs:/{run_id}/model")
model = Model.load(local)
print(json.dumps({
    "experiment": experiment.name,
    "status": run.info.status,
    "run_name": run.info.run_name,
    "params": run.data.params,
    "metrics": run.data.metrics,
    "tags": {k: v for k, v in run.data.tags.items()},
    "artifacts": sorted(a.path for a in client.list_artifacts(run_id, "model")),
    "version": str(mv.version),
    "source": mv.source,
    "flavors": sorted(model.flavors.keys()),
    "run_id_in_mlmodel": model.run_id,
    "versions": sorted(str(v.version) for v in client.search_model_versions(f"name='{name}'")),
}))
