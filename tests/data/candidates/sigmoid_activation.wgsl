// Interface: valid WGSL, but the entry point is not called `main`.
@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read_write> probs: array<f32>;

@compute @workgroup_size(64)
fn sigmoid_kernel(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&probs)) {
        return;
    }
    probs[i] = 1.0 / (1.0 + exp(-logits[i]));
}
