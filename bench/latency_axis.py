"""Accuracy against measured latency (and MACs) for RED and the data-free peers on one model, in one run.

Every method of `red_nb.evaluation.METHODS` (RED, L1, Neuron Merging, Torch-Pruning) at the settings of its sweep, plus
RED's strong data-free path (`red(..., target_macs=t, reconstruct=True, **--strong)`) at several targets, compresses the
pretrained CIFAR ResNet-56 (no data). Each model is scored on CIFAR-10 test images (accuracy change, agreement with the
dense model), then *all* models are timed together against the BN-folded dense model: interleaved rounds of alternating
order in this process (`red_nb.core.median_times`), eager PyTorch and (with onnxruntime installed) ONNX Runtime, batch 1 and
64, one thread, load recorded. The x-axis of the figure in the evaluation page is this latency.

Writes bench/results/latency_axis.json (schema red_nb.bench/1). About 30 minutes on one quiet core.

    python bench/latency_axis.py [--n-test 2000] [--runs 15] [--strong '{"multiple": 8}'] [--targets 0.74,0.6,0.471]
"""
import json, os, tempfile, time
from pathlib import Path
import torch
from common import parser, RESULTS, cifar_setup, ort_callable

SWEEPS = dict(RED=[1.0, 0.85, 0.7], L1=[0.1, 0.2, 0.3], NeuronMerging=[0.1, 0.2, 0.3], TorchPruning=[0.8, 0.6, 1/2.12])

def main():
    p = parser(__doc__)
    p.add_argument('--depth', type=int, default=56)
    p.add_argument('--n-test', type=int, default=2000, help='CIFAR-10 test images scored (first N)')
    p.add_argument('--runs', type=int, default=15, help='timed rounds per batch size and runtime')
    p.add_argument('--batches', default='1,64')
    p.add_argument('--targets', default='0.74,0.6,0.471', help="target_macs of RED's strong path")
    p.add_argument('--strong', default='{}', help="JSON of further red() options for the strong path")
    p.add_argument('--no-onnx', action='store_true')
    p.add_argument('--out', default=str(RESULTS/'latency_axis.json'))
    a = p.parse_args()
    from red_nb.core import count_cost, scores, median_times, batch_of
    from red_nb.graph import fold_bn
    from red_nb.evaluation import red, METHODS, METHOD_NOTES, environment, write_result
    torch.set_num_threads(1)
    env = environment()
    dense, data, ref, x = cifar_setup(a.depth, a.n_test)
    base, strong = count_cost(dense, x), json.loads(a.strong)
    models, rows = [fold_bn(dense).eval()], [dict(method='dense', setting='', seconds=0.) | scores(dense, data, ref)]
    rows[0] |= dict(macs_kept=1., flops_kept=1.)
    jobs = [(m, s) for m, ss in SWEEPS.items() for s in ss] + [('RED strong', float(t)) for t in a.targets.split(',')]
    for method, setting in jobs:
        t0 = time.perf_counter()
        try:
            if method == 'RED strong':
                new = red(dense, x, target_macs=setting, reconstruct=True, latency=None, progress=False, **strong).unseparated
            else:
                new = METHODS[method](dense, x, setting)
                new = new[1] if isinstance(new, tuple) else new  # RED: the unseparated model (same function)
        except Exception as e:
            print(f"{method} {setting}: skipped ({type(e).__name__}: {e})"); continue
        sec = time.perf_counter() - t0
        c = count_cost(new, x)
        rows.append(dict(method=method, setting=round(setting, 4), seconds=round(sec, 1), macs_kept=round(c.macs / base.macs, 4),
                         flops_kept=round(c.flops / base.flops, 4)) | scores(new, data, ref))
        models.append(new.eval())
        print(rows[-1], flush=True)
    runtimes = {'eager': [lambda xb, m=m: m(xb) for m in models]}
    tmp = tempfile.TemporaryDirectory()
    if not a.no_onnx:
        from red_nb.export import export_model, ort_session
        fns = []
        for i, m in enumerate(models):
            path = Path(tmp.name)/f'm{i}.onnx'
            export_model(m, x, path, format='onnx')
            s = ort_session(path, threads=1)
            fns.append(ort_callable(s))
        runtimes['onnxruntime'] = fns
    for rt, fns in runtimes.items():
        for b in (int(v) for v in a.batches.split(',')):
            load0 = os.getloadavg()[0]
            ts = median_times(fns, batch_of(x, b).contiguous(), repeats=a.runs, warmup=2)
            for r, t in zip(rows, ts):
                r[f'{rt}_b{b}_ms'] = round(1e3 * t, 3)
                r[f'{rt}_b{b}_kept'] = round(t / ts[0], 4)  # latency relative to the folded dense model
                r[f'{rt}_b{b}_load'] = round(load0, 2)
            print(rt, b, [round(1e3 * t, 2) for t in ts], flush=True)
    tmp.cleanup()
    for r in rows:
        if r['method'] in METHOD_NOTES and METHOD_NOTES[r['method']](dense): r['note'] = 'restricted'
    settings = dict(model=f'cifar_resnet({a.depth}, pretrained=True)', data=f"CIFAR-10 test images (first {len(data['test'])})", sweeps=SWEEPS,
                    strong=dict(targets=a.targets, options=strong), runs=a.runs, reference='fold_bn(dense) for latency',
                    title=f'accuracy, MACs and measured latency on ResNet-{a.depth}: RED and the data-free peers, one run (latency relative to the folded dense model, 1 thread)')
    write_result(a.out, Path(a.out).stem, rows, settings, seeds=dict(example_input=0, synthetic_batch=0), env=env)

if __name__ == '__main__': main()
