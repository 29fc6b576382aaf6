"""Fashion-MNIST benchmark of red_nb (nbs/04a_fashion.ipynb), and the harness that page imports: RED vs Neuron Merging on LeNet-300-100 at
50/60/70/80 % of hidden neurons removed, RED's levers on the 1x1-rich CNN, and measured latency.

Run from the repository root:  python bench/fashion_bench.py [--out bench/results] [--parts lenet,lenet_levers,cnn,latency] [--threads 1] [--red JSON]
Writes fashion_lenet.json/.png, fashion_lenet_levers.json, fashion_cnn.json, fashion_latency.json into --out
(`red_nb.evaluation.write_result`); prints tables.
Data-free, no fine-tuning; the full Fashion-MNIST test set (Debian package dataset-fashion-mnist).
Timings are medians on this machine in the same process; the machine may be shared (the result files record the load).
Duration on one core: lenet about 1 min, lenet_levers under 1 min, cnn about 5 min, latency about 2 min."""
import argparse, json, time
from pathlib import Path
import torch
import torch.nn as nn
import matplotlib
import matplotlib.pyplot as plt
from tqdm.auto import tqdm
from red_nb.core import Report, count_cost, evaluate
from red_nb.graph import fold_bn
from red_nb.hashing import hash_weights, pointwise_layers, ALPHA
from red_nb.merging import red_neurons
from red_nb.baselines import l1_prune, neuron_merging
from red_nb.separation import separate_convs
from red_nb.evaluation import red, red_columns, measure_latency, environment, write_result, REDResult

ROOT = Path(__file__).resolve().parent.parent
from red_nb.zoo import fashion_mnist, lenet_300_100, fashion_cnn, hidden_neurons

NM_PAPER = {0.0: 89.80, 0.5: 88.69, 0.6: 86.92, 0.7: 82.75, 0.8: 80.02}  # Neuron Merging's LeNet-300-100 results (their checkpoint)
NM_PAPER_PRUNE = {0.0: 89.80, 0.5: 88.40, 0.6: 85.17, 0.7: 71.26, 0.8: 66.76}

NEURON_METHODS = {
    'L1 prune': lambda m, x, r, h: l1_prune(fold_bn(m), x, channels_removed=r, compensate=False),
    'NM (t=0.45, cos)': lambda m, x, r, h: neuron_merging(fold_bn(m), x, channels_removed=r, t=0.45, lam=1.0),
    'NM (t=0.1, lam=0.85)': lambda m, x, r, h: neuron_merging(fold_bn(m), x, channels_removed=r),
    'RED (relative dist.)': lambda m, x, r, h: red_neurons(m, x, r, weighted=False, hashed=h),
    'RED (relative dist., scaled)': lambda m, x, r, h: red_neurons(m, x, r, weighted=False, scaled=True, hashed=h),
    'RED (weighted)': lambda m, x, r, h: red_neurons(m, x, r, hashed=h),
    'RED (weighted, scaled)': lambda m, x, r, h: red_neurons(m, x, r, scaled=True, hashed=h),
}

def compare_neuron_budgets(model:nn.Module, # The dense MLP
                           x:torch.Tensor, # Example input (tracing, costs)
                           dataset, # Evaluation images
                           ratios=(0.5, 0.6, 0.7, 0.8), # Fractions of hidden neurons removed
                           methods=None, # Names from NEURON_METHODS (default: all)
                           alpha:float=ALPHA, # RED's hashing bandwidth
                           separate:bool=True, # Also count RED's multiplications after (exact) separation
                           progress:bool=True)->Report:
    "One row per (method, ratio): hidden neurons removed, MACs kept, accuracy and agreement with the dense model"
    methods = list(NEURON_METHODS) if methods is None else list(methods)
    base, n0 = count_cost(model, x), hidden_neurons(model)
    dense = evaluate(model, dataset, progress=False)['acc']
    hashed = hash_weights(model, alpha)
    rows = [dict(method='dense', ratio=0., neurons_removed=0., macs_kept=1., mults_kept_sep=1., acc=dense, agreement=1.)]
    for ratio, name in tqdm([(r, m) for r in ratios for m in methods], desc='neuron budgets', disable=not progress):
        new = NEURON_METHODS[name](model, x, ratio, hashed)
        c = count_cost(new, x)
        row = dict(method=name, ratio=ratio, neurons_removed=1 - hidden_neurons(new)/n0, macs_kept=c.macs/base.macs, mults_kept_sep=c.macs/base.macs)
        if separate and name.startswith('RED'):
            sep = separate_convs(new, x, progress=False)  # checked exact (max_output_diff <= 1e-5) inside
            cs = count_cost(sep, x)
            row.update(mults_kept_sep=cs.macs/base.macs, flops_kept_sep=cs.flops/base.flops)
        ev = evaluate(new, dataset, reference=model, progress=False)
        rows.append(row | dict(acc=ev['acc'], agreement=ev['agreement']))
    return Report(rows, f"{type(model).__name__}: hidden neurons removed, data-free, no fine-tuning ({len(dataset)} images)")

def plot_neuron_budgets(report:Report, paper:bool=True, ax=None):
    "Accuracy against the fraction of hidden neurons removed, one curve per method (and Neuron Merging's published curve)"
    if ax is None: _, ax = plt.subplots(figsize=(6, 4))
    dense = next(r['acc'] for r in report if r['method'] == 'dense')
    for name in dict.fromkeys(r['method'] for r in report if r['method'] != 'dense'):
        pts = [(0., 100*dense)] + sorted((100*r['neurons_removed'], 100*r['acc']) for r in report if r['method'] == name)
        ax.plot(*zip(*pts), 'o-' if name.startswith('RED') else 's--', ms=4, label=name)
    if paper:
        for lab, d in (('NM paper (their checkpoint)', NM_PAPER), ('NM paper, prune only', NM_PAPER_PRUNE)):
            ax.plot([100*k for k in d], list(d.values()), 'k:' if 'prune' in lab else 'k-.', lw=1, label=lab)
    ax.set_xlabel('% of hidden neurons removed'); ax.set_ylabel('test accuracy (%)')
    ax.set_title(report.title, fontsize=8); ax.legend(fontsize=7); ax.grid(alpha=0.3)
    return ax.figure

def run_red(model:nn.Module, x:torch.Tensor, columns:bool=False, **kw)->REDResult:
    "`red_columns(model, x, **kw)` if `columns`, else `red(model, x, **kw)` (no progress bar)"
    return red_columns(model, x, **kw) if columns else red(model, x, progress=False, **kw)

def red_levers(model:nn.Module, # The dense model
               x:torch.Tensor, # Example input (tracing, costs, verification)
               dataset, # Evaluation images
               settings:dict, # {label: keyword arguments of `red`}
               progress:bool=True)->Report:
    "One row per setting of `red`: channels merged, multiplications and mult+adds kept, params, accuracy, agreement, exactness"
    dense = evaluate(model, dataset, progress=False)['acc']
    rows = []
    for label, kw in tqdm(settings.items(), desc='red settings', disable=not progress):
        t0 = time.perf_counter()
        res = run_red(model, x, **kw)
        sec = time.perf_counter() - t0
        ev = evaluate(res.unseparated, dataset, reference=model, progress=False)
        merged = sum(r.get('removed', 0) for r in res.reports.get('merge', []))
        rows.append(dict(setting=label, merged=merged, mults_kept=res.after.macs/res.before.macs, flops_kept=res.after.flops/res.before.flops,
                         params_kept=res.after.params/res.before.params, acc=ev['acc'], dacc=ev['acc'] - dense, agreement=ev['agreement'],
                         max_exact=max(res.exactness.values()), seconds=round(sec, 2)))
    return Report(rows, f"red() on {type(model).__name__} (dense {dense:.2%}, {len(dataset)} images)")

def CNN_LEVERS(model:nn.Module)->dict:
    "The settings of `red` measured on the CNN: {label: keyword arguments}"
    pw = pointwise_layers(model)
    only = lambda **kw: dict(hash_options=dict(layers=pw, **kw))
    return {'alpha=0.005 (default)': {}, 'alpha=0.01': dict(alpha=0.01), 'alpha=0.02': dict(alpha=0.02), 'alpha=0.05': dict(alpha=0.05),
            '1x1 only, alpha=0.02': dict(alpha=0.02, **only()), '1x1 only, alpha=0.05': dict(alpha=0.05, **only()),
            '1x1 only, alpha=0.1': dict(alpha=0.1, **only()),
            '1x1 only, alpha=0.05, zero_snap': dict(alpha=0.05, **only(zero_snap=True)),
            '1x1 only, alpha=0.05, tau=0.05': dict(alpha=0.05, tau=0.05, **only()),
            'columns, alpha=0.02': dict(columns=True, alpha=0.02), 'columns, alpha=0.05': dict(columns=True, alpha=0.05),
            'columns, alpha=0.07': dict(columns=True, alpha=0.07), 'columns, alpha=0.08': dict(columns=True, alpha=0.08),
            'columns, alpha=0.1': dict(columns=True, alpha=0.1), 'columns, alpha=0.1, zero_snap': dict(columns=True, alpha=0.1, zero_snap=True),
            'columns, alpha=0.1, max_error=0.5': dict(columns=True, alpha=0.1, max_error=0.5)}

BEST_CNN = dict(columns=True, alpha=0.08)  # the most multiplications removed within 1 point in the CNN sweep (nbs/04a_fashion.ipynb)

LENET_LEVERS = {'alpha=0.005 (default)': {}, 'alpha=0.01': dict(alpha=0.01), 'alpha=0.02': dict(alpha=0.02), 'alpha=0.05': dict(alpha=0.05),
                'columns, alpha=0.02': dict(columns=True, alpha=0.02), 'columns, alpha=0.05': dict(columns=True, alpha=0.05),
                'columns, alpha=0.1': dict(columns=True, alpha=0.1)}

def latency_report(model:nn.Module, # The dense model
                   images:torch.Tensor, # Inputs; the first `bs` are timed for every batch size
                   batch_sizes=(1, 64),
                   red_kwargs:dict=None, # Settings of `red` (default: `red`'s defaults)
                   repeats:int=20, # Timed runs per measurement (median)
                   rounds:int=3, # Interleaved measurements per model (the smallest median is kept)
                  )->Report:
    "Measured median latency of the dense, folded, RED-merged and RED-separated ('macs' and 'latency' modes) models"
    red_kwargs = red_kwargs or {}
    folded = fold_bn(model)
    rows = []
    for bs in batch_sizes:
        x = images[:bs]
        res = run_red(model, x, **red_kwargs)
        lat = run_red(model, x, **(red_kwargs | dict(separate='latency')))
        base = count_cost(model, x)
        variants = {'dense': model, 'BN folded': folded, 'RED merged (not separated)': res.unseparated,
                    "RED separated ('macs')": res.model, f"RED separated ('latency', batch {bs})": lat.model}
        times = {k: float('inf') for k in variants}
        for _ in range(rounds):  # interleaved rounds; the smallest median is the least disturbed by other load
            for k, m in variants.items(): times[k] = min(times[k], measure_latency(m, x, repeats=repeats))
        for k, m in variants.items():
            c = count_cost(m, x)
            rows.append(dict(model=k, batch=bs, ms=1e3*times[k], vs_folded=times[k]/times['BN folded'],
                             mults_kept=c.macs/base.macs, flops_kept=c.flops/base.flops,
                             split_layers=sum(type(l).__name__.startswith('Split') for l in m.modules())))
    return Report(rows, f"latency of {type(model).__name__} ({torch.get_num_threads()} threads), red({red_kwargs})")

def dump(path, report, env=None, **settings):
    "Write `report` as a result file (`write_result`) named after `path`"
    write_result(path, path.stem, report, dict(title=report.title, n_test=10000, **settings), env=env)

if __name__ == '__main__':
    matplotlib.use('Agg')
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--out', default=str(ROOT/'bench'/'results'), help='folder of the result files')
    p.add_argument('--parts', default='lenet,lenet_levers,cnn,latency', help='comma-separated parts to run')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--red', default='{}', help='JSON keyword arguments of run_red for the latency part, e.g. {"columns": true, "alpha": 0.1}')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    env = environment()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    test = fashion_mnist()
    parts = a.parts.split(',')
    if 'lenet' in parts:
        t0 = time.time()
        rep = compare_neuron_budgets(lenet_300_100(), test.tensors[0][:64], test, progress=False)
        print(rep.table('md')); print(f"({time.time() - t0:.0f} s)")
        dump(out/'fashion_lenet.json', rep, env, threads=a.threads)
        fig = plot_neuron_budgets(rep); fig.savefig(out/'fashion_lenet.png', dpi=120, bbox_inches='tight'); plt.close(fig)
    if 'lenet_levers' in parts:
        rep = red_levers(lenet_300_100(), test.tensors[0][:64], test, LENET_LEVERS, progress=False)
        print(rep.table('md'))
        dump(out/'fashion_lenet_levers.json', rep, env, threads=a.threads)
    if 'cnn' in parts:
        t0 = time.time()
        cnn = fashion_cnn()
        rep = red_levers(cnn, test.tensors[0][:32], test, CNN_LEVERS(cnn), progress=False)
        print(rep.table('md')); print(f"({time.time() - t0:.0f} s)")
        dump(out/'fashion_cnn.json', rep, env, threads=a.threads)
    if 'latency' in parts:
        rep = latency_report(fashion_cnn(), test.tensors[0], batch_sizes=(1, 64), red_kwargs=json.loads(a.red))
        print(rep.table('md'))
        dump(out/'fashion_latency.json', rep, env, threads=a.threads, red=json.loads(a.red))
