import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Options of `jsfunc models generate-dockerfile`. */
export interface GenerateDockerfileOptions {
  model?: string;
  outputDirectory: string;
  nodeVersion: string;
  cliVersion: string;
  kserve: boolean;
  name: string;
}

/** The Dockerfile text: Node slim image, the jsfunc CLI, the model at /opt/ml/model, port 8080. */
export function dockerfileText(options: { nodeVersion: string; cliVersion: string; withModel: boolean }): string {
  return [
    `FROM node:${options.nodeVersion}-slim`,
    'ENV NODE_ENV=production \\',
    '    JSFUNC_PORT=8080 \\',
    '    JSFUNC_WORKERS=1',
    'WORKDIR /opt/jsfunc',
    '# the CLI brings @jsfunc/server and the onnx and tfjs flavors with their runtimes',
    `RUN npm install --omit=dev --no-audit --no-fund jsfunc@${options.cliVersion} && npm cache clean --force`,
    options.withModel ? 'COPY model /opt/ml/model' : '# the model is mounted (or copied) at /opt/ml/model',
    'EXPOSE 8080',
    'USER node',
    'ENTRYPOINT ["/opt/jsfunc/node_modules/.bin/jsfunc", "models", "serve", "--host", "0.0.0.0"]',
    'CMD ["--model", "/opt/ml/model", "--port", "8080"]',
    '',
  ].join('\n');
}

/**
 * A KServe `ClusterServingRuntime` for jsfunc (OIP v2 on port 8080, model from `storageUri` at
 * /mnt/models) and an example `InferenceService` that uses it.
 */
export function kserveManifestText(options: { name: string; image: string }): string {
  return `apiVersion: serving.kserve.io/v1alpha1
kind: ClusterServingRuntime
metadata:
  name: jsfunc-runtime
spec:
  annotations:
    prometheus.kserve.io/port: "8080"
    prometheus.kserve.io/path: /metrics
  supportedModelFormats:
    - name: jsfunc
      version: "1"
      autoSelect: true
    - name: onnx
      version: "1"
    - name: mlflow
      version: "2"
  protocolVersions:
    - v2
  containers:
    - name: kserve-container
      image: ${options.image}
      args:
        - --model
        - ${options.name}=/mnt/models
        - --port
        - "8080"
      ports:
        - containerPort: 8080
          protocol: TCP
      readinessProbe:
        httpGet:
          path: /v2/health/ready
          port: 8080
      livenessProbe:
        httpGet:
          path: /v2/health/live
          port: 8080
      resources:
        requests:
          cpu: "1"
          memory: 1Gi
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: ${options.name}
spec:
  predictor:
    model:
      modelFormat:
        name: jsfunc
      protocolVersion: v2
      runtime: jsfunc-runtime
      storageUri: s3://CHANGE-ME/path/to/${options.name}
`;
}

/** `jsfunc models generate-dockerfile`: writes a Dockerfile (and optionally a KServe manifest). */
export async function generateDockerfileCommand(options: GenerateDockerfileOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const directory = path.resolve(options.outputDirectory);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'Dockerfile'), dockerfileText({ nodeVersion: options.nodeVersion, cliVersion: options.cliVersion, withModel: options.model !== undefined }));
  if (options.model !== undefined) {
    const { cp } = await import('node:fs/promises');
    await cp(path.resolve(options.model), path.join(directory, 'model'), { recursive: true });
  }
  write(`jsfunc: wrote ${path.join(directory, 'Dockerfile')}\n`);
  if (options.kserve) {
    await writeFile(path.join(directory, 'kserve-runtime.yaml'), kserveManifestText({ name: options.name, image: `${options.name}:latest` }));
    write(`jsfunc: wrote ${path.join(directory, 'kserve-runtime.yaml')}\n`);
  }
  return 0;
}
