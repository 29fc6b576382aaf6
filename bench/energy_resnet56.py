"""Energy-aware pruning (Yeom et al. 2021) of CIFAR ResNet-56 at the paper's 40.4 % MACs reduction, before and after
a CPU-sized fine-tuning, next to RED at the same MACs.

    python bench/energy_resnet56.py [--threads 1] [--budget-minutes 30] [--epochs E] [--n-test 10000]

Steps (all in this process, same checkpoint, same test images, same `count_cost`):
  1. the dense published ResNet-56: test accuracy (JPEG-rebuilt CIFAR-10: read the changes, not absolute numbers);
  2. `energy_prune(target_macs=0.596)` (640 training images, no augmentation): accuracy and agreement before fine-tuning;
  3. `fine_tune` on the augmented training set (SGD 0.01, cosine, batch 64) for `--epochs`, or, without it, for the
     number of epochs that fits `--budget-minutes` at the speed measured on a few steps (remembered in
     results/energy_resnet56_plan.json so that a resumed run keeps the same schedule); resumable checkpoint
     results/energy_resnet56_ft.pt (gitignored): run the same command again after an interruption;
  4. RED with `target_macs=0.596` (data-free, no fine-tuning);
every model is also evaluated on `cifar10_exact100` (exact pixels of test images 0-99), because fine-tuning on the
JPEG-rebuilt training set adapts the model to JPEG artefacts, which the dense and RED models never saw;
and writes bench/results/energy_resnet56.json (`red_nb.evaluation.write_result`) and prints a table.
Duration: about 20 min plus the fine-tuning budget (`--budget-minutes`, 30 by default) on one core."""
import argparse, copy, json, math, time
from pathlib import Path
import torch
from red_nb.core import cifar_resnet, cifar10, cifar10_exact100, evaluate, count_cost, Report
from red_nb.energy import energy_prune
from red_nb.training import fine_tune
from red_nb.evaluation import red, environment, write_result

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.596  # the paper: 40.4 % of the FLOPs (MACs) removed on ResNet-56
PAPER = dict(method='energy-aware (paper, Yeom et al. 2021)', macs_removed=0.404, params_removed=0.459, acc_after=0.9413,
             budget='hundreds of GPU epochs (HRank-style schedule), exact CIFAR-10')

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--budget-minutes', type=float, default=30)
    p.add_argument('--epochs', type=float, default=None)
    p.add_argument('--lr', type=float, default=0.01)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--n-test', type=int, default=10000)
    p.add_argument('--results', default=str(ROOT/'results'))
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'energy_resnet56.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    env = environment(); print(env, flush=True)
    res_dir = Path(a.results); res_dir.mkdir(parents=True, exist_ok=True)
    t_all = time.perf_counter()

    dense = cifar_resnet(56, pretrained=True)
    test = cifar10()
    if a.n_test < len(test): test = torch.utils.data.Subset(test, range(a.n_test))
    train_plain, train_aug = cifar10(train=True, augment=False), cifar10(train=True)
    exact = cifar10_exact100()  # the exact pixels of test images 0-99: fine-tuning on the JPEG-rebuilt training set also adapts to JPEG
    ex = lambda m: evaluate(m, exact, reference=dense, progress=False)
    x = torch.stack([test[i][0] for i in range(8)])
    c_dense = count_cost(dense, x)
    acc_dense = evaluate(dense, test)['acc']
    acc_dense_x = ex(dense)['acc']
    print(f"dense: {acc_dense:.2%}, {c_dense.params:,} params, {c_dense.macs:,} MACs", flush=True)

    # 2. prune
    pruned = energy_prune(dense, train_plain, target_macs=TARGET, n_images=640, example_input=x)
    print(pruned.prune_report.title, flush=True)
    floor = energy_prune(dense, train_plain, channels_removed=1.0, n_images=640, example_input=x, progress=False)  # 1 channel per internal group
    reach = floor.cost_after.macs / c_dense.macs
    print(f"reachability: with 1 channel left in every internal group the model keeps {reach:.3f} of its MACs "
          f"(so {1 - reach:.1%} is the largest reduction; the target {1 - TARGET:.1%} is reachable)", flush=True)
    ev_pruned = evaluate(pruned, test, reference=dense)
    ev_pruned_x = ex(pruned)
    print(f"pruned, before fine-tuning: {ev_pruned}", flush=True)

    # 3. fine-tune
    plan_file = res_dir/'energy_resnet56_plan.json'
    per_epoch = len(train_aug) // a.batch_size
    if a.epochs is not None: epochs, sps = a.epochs, None
    elif plan_file.exists(): plan = json.loads(plan_file.read_text()); epochs, sps = plan['epochs'], plan['seconds_per_step']
    else:
        probe = copy.deepcopy(pruned)
        t0 = time.perf_counter(); fine_tune(probe, train_aug, epochs=1, max_steps=3, lr=a.lr, batch_size=a.batch_size, progress=False)
        t1 = time.perf_counter(); fine_tune(probe, train_aug, epochs=1, max_steps=15, lr=a.lr, batch_size=a.batch_size, progress=False, seed=1)
        sps = (time.perf_counter() - t1) / 15
        epochs = max(0.05, min(3.0, math.floor(a.budget_minutes * 60 / sps / per_epoch * 20) / 20))
        plan_file.write_text(json.dumps(dict(epochs=epochs, seconds_per_step=sps, budget_minutes=a.budget_minutes, threads=a.threads)))
        print(f"measured {sps:.2f} s/step (batch {a.batch_size}, {a.threads} thread(s)) -> {epochs} epochs "
              f"({math.ceil(epochs * per_epoch)} steps) in {a.budget_minutes} min", flush=True)
    ckpt = res_dir/'energy_resnet56_ft.pt'
    hist = fine_tune(pruned, train_aug, epochs=epochs, lr=a.lr, batch_size=a.batch_size, checkpoint=ckpt, save_every=50, log_every=50)
    print(hist, flush=True)
    ev_tuned = evaluate(pruned, test, reference=dense)
    ev_tuned_x = ex(pruned)
    print(f"pruned, after fine-tuning: {ev_tuned}", flush=True)

    # 4. RED at the same MACs
    t0 = time.perf_counter()
    r = red(dense, x, target_macs=TARGET)
    red_s = time.perf_counter() - t0
    ev_red = evaluate(r.unseparated, test, reference=dense)
    ev_red_x = ex(r.unseparated)
    print(f"RED: {r.after.macs / r.before.macs:.4f} of the MACs, {red_s:.1f} s, {ev_red}", flush=True)

    c_p = pruned.cost_after
    rows = [dict(method='dense ResNet-56', macs_kept=1.0, params_kept=1.0, acc=acc_dense, d_acc_pt=0.0, agreement=1.0, acc_exact100=acc_dense_x, agree_exact100=1.0, data='-', seconds=0.0),
            dict(method='energy-aware, no fine-tuning', macs_kept=c_p.macs / c_dense.macs, params_kept=c_p.params / c_dense.params,
                 acc=ev_pruned['acc'], d_acc_pt=100 * (ev_pruned['acc'] - acc_dense), agreement=ev_pruned['agreement'], acc_exact100=ev_pruned_x['acc'], agree_exact100=ev_pruned_x['agreement'],
                 data='640 train images', seconds=round(pruned.seconds, 1)),
            dict(method=f'energy-aware + fine-tuning {epochs} ep', macs_kept=c_p.macs / c_dense.macs, params_kept=c_p.params / c_dense.params,
                 acc=ev_tuned['acc'], d_acc_pt=100 * (ev_tuned['acc'] - acc_dense), agreement=ev_tuned['agreement'], acc_exact100=ev_tuned_x['acc'], agree_exact100=ev_tuned_x['agreement'],
                 data=f'{math.ceil(epochs * per_epoch) * a.batch_size} train samples', seconds=round(pruned.seconds + hist[-1]['seconds'], 1)),
            dict(method='RED (data-free, no fine-tuning)', macs_kept=r.after.macs / r.before.macs, params_kept=r.after.params / r.before.params,
                 acc=ev_red['acc'], d_acc_pt=100 * (ev_red['acc'] - acc_dense), agreement=ev_red['agreement'], acc_exact100=ev_red_x['acc'], agree_exact100=ev_red_x['agreement'], data='none', seconds=round(red_s, 1))]
    table = Report(rows, title=f"ResNet-56, target {TARGET} of the MACs, {len(test)} JPEG-rebuilt test images, {a.threads} thread(s)")
    print(table)
    print(f"paper: {PAPER}")
    extra = dict(reachable_min_macs_kept=reach, dense=dict(acc=acc_dense, params=c_dense.params, macs=c_dense.macs),
               energy=dict(params=c_p.params, macs=c_p.macs, prune_seconds=pruned.seconds, report=list(pruned.prune_report),
                           before_ft=ev_pruned, after_ft=ev_tuned,
                           fine_tune=dict(epochs=epochs, steps=math.ceil(epochs * per_epoch), batch_size=a.batch_size, lr=a.lr,
                                          schedule='cosine', seconds=hist[-1]['seconds'], seconds_per_step_probe=sps, history=list(hist))),
               red=dict(macs_kept=r.after.macs / r.before.macs, params_kept=r.after.params / r.before.params, seconds=red_s, eval=ev_red),
               total_seconds=time.perf_counter() - t_all)
    settings = dict(threads=a.threads, n_test=len(test), target_macs=TARGET, paper=PAPER, title=table.title,
                    note='seeds: the fine-tuning and probe seeds of red_nb.training.fine_tune (0 and 1); example input: the first 8 test images')
    write_result(a.out, 'energy_resnet56', rows, settings, seeds=[0, 1], env=env, extra=extra)
    print(f"wrote {a.out}")

if __name__ == '__main__':
    main()
