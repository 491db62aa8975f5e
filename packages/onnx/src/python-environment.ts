/**
 * The Python environment files MLflow writes beside an ONNX model (conda.yaml, python_env.yaml,
 * requirements.txt), so that `mlflow.pyfunc.load_model` can rebuild an environment for a model
 * saved by jsfunc. jsfunc runs no Python: the pins are a coherent, tested set of releases.
 */

/** Python-side choices written into the environment files. */
export interface OnnxPythonEnvironment {
  /** `python_version` of the python_function block and of the env files (default 3.11.7). */
  readonly pythonVersion?: string;
  /** Replaces the default pip requirements (mlflow, numpy, onnx, onnxruntime pins). */
  readonly pipRequirements?: readonly string[];
  /** Appended to the pip requirements. */
  readonly extraPipRequirements?: readonly string[];
}

/** Defaults: releases that work together on Python 3.9-3.12 (mlflow.onnx loads ONNX IR <= 10). */
export const DEFAULT_PYTHON_VERSION = '3.11.7';
export const DEFAULT_PIP_REQUIREMENTS: readonly string[] = ['mlflow==2.17.2', 'numpy==1.26.4', 'onnx==1.17.0', 'onnxruntime==1.20.1'];
const PIP_VERSION = '23.3.1';
const SETUPTOOLS_VERSION = '68.2.2';
const WHEEL_VERSION = '0.42.0';

/** File names, as MLflow names them. */
export const CONDA_FILE = 'conda.yaml';
export const PYTHON_ENV_FILE = 'python_env.yaml';
export const REQUIREMENTS_FILE = 'requirements.txt';

function yamlScalar(value: string): string {
  // PyYAML quotes strings that would read back as another type or start with an indicator.
  return /^[-?:,[\]{}#&*!|>'"%@`\s]|: | #|^(true|false|null|yes|no|on|off|~)$|^[-+]?(\d|\.\d)/i.test(value) && !/^\d+\.\d+\.\d+/.test(value)
    ? `'${value.replace(/'/g, "''")}'`
    : value;
}

/** The three files' text, keyed by file name, byte-compatible with what MLflow writes. */
export function pythonEnvironmentFiles(environment: OnnxPythonEnvironment = {}): { python: string; files: Record<string, string> } {
  const python = environment.pythonVersion ?? DEFAULT_PYTHON_VERSION;
  const requirements = [...(environment.pipRequirements ?? DEFAULT_PIP_REQUIREMENTS), ...(environment.extraPipRequirements ?? [])];
  const conda = [
    'channels:',
    '- conda-forge',
    'dependencies:',
    `- python=${python}`,
    `- pip<=${PIP_VERSION}`,
    '- pip:',
    ...requirements.map((requirement) => `  - ${yamlScalar(requirement)}`),
    'name: mlflow-env',
    '',
  ].join('\n');
  const pythonEnv = [
    `python: ${python}`,
    'build_dependencies:',
    `- pip==${PIP_VERSION}`,
    `- setuptools==${SETUPTOOLS_VERSION}`,
    `- wheel==${WHEEL_VERSION}`,
    'dependencies:',
    '- -r requirements.txt',
    '',
  ].join('\n');
  return {
    python,
    files: {
      [CONDA_FILE]: conda,
      [PYTHON_ENV_FILE]: pythonEnv,
      [REQUIREMENTS_FILE]: `${requirements.join('\n')}\n`,
    },
  };
}
