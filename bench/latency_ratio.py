"""Does a compressed network run faster in proportion to the MACs it lost? Latency cut / MACs cut, eager and ONNX Runtime.

For each `red()` configuration given (JSON dicts of red's options), the pretrained CIFAR ResNet-56 is compressed
data-free, scored on CIFAR-10 test images (accuracy change and agreement with the dense model), exported to ONNX, and
timed against the BN-folded dense model (folding is free: it is the fair reference) in this one process:
eager PyTorch and ONNX Runtime, batch 1 and 64, 1 and 2 threads, at least `--runs` interleaved runs of alternating order
per measurement (`red_nb.core.median_times`), medians, load recorded before and after every measurement.

    latency cut = 1 - t(compressed) / t(dense folded)      MACs cut = 1 - MACs(compressed) / MACs(dense)
    ratio = latency cut / MACs cut   (1: the clock follows the MACs; 0: no speed-up at all)

Writes bench/results/latency_ratio.json (schema red_nb.bench/1). About 2 minutes per configuration on one quiet core
plus the compression itself.

    python bench/latency_ratio.py --configs '{"target_macs": 0.6, "reconstruct": true}' [--n-test 10000] [--runs 30]
"""
import json, os, tempfile, time
from pathlib import Path
import torch
from common import parser, RESULTS, cifar_setup, ort_callable

def timings(dense, comp, x, batches, threads, runs, onnx_paths):
    "Rows of median ms for dense/compressed in eager and ONNX Runtime at each batch size and thread count"
    from red_nb.core import median_times, batch_of
    from red_nb.export import ort_session
    rows = []
    for t in threads:
        torch.set_num_threads(t)
        sessions = {k: ort_session(p, threads=t) for k, p in onnx_paths.items()} if onnx_paths else {}
        for b in batches:
            xb = batch_of(x, b).contiguous()
            runtimes = {'eager': (dense, comp)}
            if sessions: runtimes['onnxruntime'] = (ort_callable(sessions['dense']), ort_callable(sessions['compressed']))
            for rt, (fd, fc) in runtimes.items():
                load0 = os.getloadavg()[0]
                td, tc = median_times([fd, fc], xb, repeats=runs, warmup=3)
                rows.append(dict(runtime=rt, batch=b, threads=t, dense_ms=round(1e3 * td, 3), compressed_ms=round(1e3 * tc, 3),
                                 latency_cut=round(1 - tc / td, 4), runs=runs, load=round(load0, 2), load_end=round(os.getloadavg()[0], 2)))
                print(rows[-1], flush=True)
    return rows

def main():
    p = parser(__doc__)
    p.add_argument('--configs', nargs='+', required=True, help="JSON dicts of red() options, e.g. '{\"target_macs\": 0.6, \"reconstruct\": true}'")
    p.add_argument('--depth', type=int, default=56)
    p.add_argument('--n-test', type=int, default=10000, help='CIFAR-10 test images scored (first N)')
    p.add_argument('--runs', type=int, default=30, help='timed runs per measurement (interleaved, alternating order)')
    p.add_argument('--batches', default='1,64')
    p.add_argument('--threads', default='1,2')
    p.add_argument('--no-onnx', action='store_true', help='eager PyTorch only')
    p.add_argument('--out', default=str(RESULTS/'latency_ratio.json'))
    a = p.parse_args()
    from red_nb.core import count_cost, scores
    from red_nb.graph import fold_bn
    from red_nb.evaluation import red, environment, write_result
    from red_nb.export import export_model
    torch.set_num_threads(1)
    env = environment()
    dense, data, ref, x = cifar_setup(a.depth, a.n_test)
    folded = fold_bn(dense).eval()
    base = count_cost(dense, x)
    batches, threads = [int(b) for b in a.batches.split(',')], [int(t) for t in a.threads.split(',')]
    rows, dense_scores = [], scores(dense, data, ref)
    for cfg in a.configs:
        opts = json.loads(cfg)
        torch.set_num_threads(1)
        t0 = time.perf_counter()
        res = red(dense, x, latency=None, progress=False, **opts)
        seconds = time.perf_counter() - t0
        comp = res.unseparated if getattr(res, 'unseparated', None) is not None else res.model
        comp = comp.eval()
        c = count_cost(comp, x)
        sc = scores(comp, data, ref)
        onnx_paths = None
        with tempfile.TemporaryDirectory() as d:
            if not a.no_onnx:
                onnx_paths = {k: Path(d)/f'{k}.onnx' for k in ('dense', 'compressed')}
                export_model(folded, x, onnx_paths['dense'], format='onnx')
                export_model(comp, x, onnx_paths['compressed'], format='onnx')
            tr = timings(folded, comp, x, batches, threads, a.runs, onnx_paths)
        macs_cut = 1 - c.macs / base.macs
        head = dict(config=cfg, macs_cut=round(macs_cut, 4), flops_cut=round(1 - c.flops / base.flops, 4), params=c.params,
                    dacc_test=round(sc['acc_test'] - dense_scores['acc_test'], 5), agree_test=round(sc['agree_test'], 5),
                    compress_seconds=round(seconds, 1))
        for r in tr: rows.append(head | r | dict(ratio=round(r['latency_cut'] / macs_cut, 3) if macs_cut > 0 else None))
        print(f"{cfg}: MACs -{macs_cut:.1%}, accuracy {100 * head['dacc_test']:+.2f} pt, agreement {head['agree_test']:.2%}", flush=True)
    settings = dict(model=f'cifar_resnet({a.depth}, pretrained=True)', reference='fold_bn(dense) (BN folding is free)',
                    data=f"CIFAR-10 test images (first {len(data['test'])})", runs=a.runs, batches=batches, threads=threads,
                    dense_acc=dense_scores['acc_test'], example_input='randn(8, 3, 32, 32), seed 0',
                    title='latency cut / MACs cut of red() configurations on ResNet-56: eager PyTorch and ONNX Runtime, dense folded vs compressed, interleaved medians')
    write_result(a.out, Path(a.out).stem, rows, settings, seeds=dict(example_input=0), env=env)

if __name__ == '__main__': main()
