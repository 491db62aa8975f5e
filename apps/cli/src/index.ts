export { main } from './main.js';
export { createProgram, cliVersion } from './create-program.js';
export { EXIT, printError } from './cli-error.js';
export { parseModelArguments, serveCommand, type ServeCommandOptions } from './commands/serve.js';
export { predictCommand, type PredictCommandOptions } from './commands/predict.js';
export { infoCommand, type InfoCommandOptions } from './commands/info.js';
export { packageCommand, type PackageCommandOptions } from './commands/package.js';
export { dockerfileText, generateDockerfileCommand, kserveManifestText, type GenerateDockerfileOptions } from './commands/generate-dockerfile.js';
export { cliFlavors, CLI_ROOT } from './flavor-packages.js';
