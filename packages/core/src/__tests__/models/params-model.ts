// Returns the params it was called with (after jsfunc filled defaults from the signature).
export default {
  predict(_context: unknown, _input: unknown, params?: Record<string, unknown>) {
    return { str_param: params?.str_param ?? null, int_array: params?.int_array ?? null };
  },
};
