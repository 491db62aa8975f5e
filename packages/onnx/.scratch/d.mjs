import * as ort from 'onnxruntime-node';
try { await ort.InferenceSession.create('/work/shared/fixtures/onnx/tf_model_multiple_inputs_float64.onnx', {extra: {'session.load_model_format':'ORT'}}); console.log('loaded'); } catch (e) { console.log('ERR', e.message.slice(0,200)); }
const t = new ort.Tensor('float16', Uint16Array.of(0x3c00), [1]); console.log(t.type, t.data);
