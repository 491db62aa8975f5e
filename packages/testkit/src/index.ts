export { describeFlavorConformance, describeFlavorConformance as runFlavorConformance, type FlavorConformanceOptions } from './flavor-conformance.js';
