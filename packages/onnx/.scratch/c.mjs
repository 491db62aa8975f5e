import * as ort from 'onnxruntime-node';
const s = await ort.InferenceSession.create('/work/shared/fixtures/onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx', {executionProviders: ['cuda','cpu'], logSeverityLevel: 4}).catch(e=>console.log('ERR', e.message));
