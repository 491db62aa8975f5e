/** A run as the MLflow REST API returns it (fields jsfunc reads). */
export interface MlflowRun {
  info: {
    run_id: string;
    experiment_id: string;
    run_name?: string;
    status?: string;
    artifact_uri: string;
    lifecycle_stage?: string;
  };
  data?: {
    params?: { key: string; value: string }[];
    metrics?: { key: string; value: number; timestamp?: number; step?: number }[];
    tags?: { key: string; value: string }[];
  };
  outputs?: { model_outputs?: { model_id: string; step?: number }[] };
}

/** An experiment as the MLflow REST API returns it. */
export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
}

/** A registered model version. */
export interface MlflowModelVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  model_id?: string;
  status?: string;
  status_message?: string;
  aliases?: string[];
}

/** An MLflow 3 logged model. */
export interface MlflowLoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    source_run_id?: string;
    status?: string;
  };
}

/** One entry of an artifact listing. */
export interface MlflowFileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number | string;
}

/** Parameters, metrics and tags to record on a run. */
export interface RunData {
  params?: Record<string, string | number | boolean>;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
}
