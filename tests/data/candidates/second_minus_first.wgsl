// Interface: wrong binding order (output first), so binding 0 is writable where the task has an input.
@group(0) @binding(0) var<storage, read_write> diff: array<f32>;
@group(0) @binding(1) var<storage, read> first: array<f32>;
@group(0) @binding(2) var<storage, read> second: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&diff)) {
        return;
    }
    diff[i] = second[i] - first[i];
}
