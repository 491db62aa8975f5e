export { CLI, runCli, startServe, type CliResult, type ServeProcess } from './harness/cli.js';
export { keepAliveAgent, send, jsonOf, slowClient, type HttpAnswer, type HttpRequest } from './harness/http-client.js';
export { FIXTURES, MLFLOW_ONNX, EMOTION_TFJS, temporaryDirectory, packageWithCli, copyModel } from './harness/models.js';
export { residentKib, openFds, childPids, commandLine, workerPids, isAlive, threadCount } from './harness/processes.js';
export { saveTinyTfjsModel } from './harness/tiny-tfjs.js';
export { probeProcess, type ProbeReport } from './harness/probe.js';
