// Wrong: -abs(x) instead of -x (right for positive inputs only).
@group(0) @binding(0) var<storage, read> vals: array<f32>;
@group(0) @binding(1) var<storage, read_write> negated: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&negated)) {
        return;
    }
    negated[i] = -abs(vals[i]);
}
