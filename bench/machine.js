// How fast this machine is right now. The benchmarks run on shared 2-core VMs whose speed drifts
// by a third or more within minutes; each table prints this check beside its figures, so two
// runs can be compared (and a slow run recognised) without guessing.

/** A fixed JavaScript workload (objects, strings, arrays: what Bulwark does), best of three, in ms. */
export function machineCheck() {
  const once = () => {
    const t0 = performance.now();
    let sum = 0;
    const items = [];
    for (let i = 0; i < 2_000_000; i++) {
      items.push({ i, name: `item ${i}` });
      if (items.length > 100_000) items.length = 0;
      sum += i % 7;
    }
    if (sum < 0) throw new Error('unreachable');
    return performance.now() - t0;
  };
  return Math.min(once(), once(), once());
}

/** The line the tables print. */
export function machineLine() {
  return `Machine check: a fixed workload took ${machineCheck().toFixed(0)} ms (about 290 ms on this 2-core VM with nothing else running; higher means the figures below are slowed about as much)`;
}
