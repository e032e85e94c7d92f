"""Every loss of the family against its direct formula: values and gradients."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import Tensor

from pairgen.errors import PairgenError
from pairgen.training.config import LOSS_NAMES
from pairgen.training.loop.losses import (
    LOSSES,
    Hyper,
    get_loss,
    gradient_coefficients,
    make_context,
)

N = 64
Inputs = dict[str, Tensor]
Formula = Callable[[Inputs, Hyper], Tensor]
Grads = Callable[[Inputs, Hyper], tuple[Tensor, Tensor]]


def inputs(seed: int) -> Inputs:
    g = torch.Generator().manual_seed(seed)
    ref_w = -torch.rand(N, generator=g, dtype=torch.float64) * 60 - 5
    ref_l = -torch.rand(N, generator=g, dtype=torch.float64) * 60 - 5
    return {
        "lw": ref_w + torch.randn(N, generator=g, dtype=torch.float64) * 3,
        "ll": ref_l + torch.randn(N, generator=g, dtype=torch.float64) * 3,
        "rw": ref_w,
        "rl": ref_l,
        "Lw": torch.randint(5, 80, (N,), generator=g).double(),
        "Ll": torch.randint(5, 80, (N,), generator=g).double(),
    }


def dpo_z(x: Inputs, hp: Hyper) -> Tensor:
    return hp.beta * ((x["lw"] - x["rw"]) - (x["ll"] - x["rl"]))


def sig(z: Tensor) -> Tensor:
    return torch.sigmoid(z)


# Direct formulas, written as in the papers (and TRL), independently of eq. 8.
VALUES: dict[str, Formula] = {
    "dpo": lambda x, hp: -F.logsigmoid(dpo_z(x, hp)),
    "dpop": lambda x, hp: (
        -F.logsigmoid(dpo_z(x, hp) - hp.beta * hp.lam * torch.relu(x["rw"] - x["lw"]))
    ),
    "ipo": lambda x, hp: ((x["lw"] - x["rw"]) - (x["ll"] - x["rl"]) - 1 / (2 * hp.beta)) ** 2,
    "simpo": lambda x, hp: (
        -F.logsigmoid(hp.beta * x["lw"] / x["Lw"] - hp.beta * x["ll"] / x["Ll"] - hp.gamma)
    ),
    "rdpo": lambda x, hp: -F.logsigmoid(dpo_z(x, hp) - hp.alpha * (x["Lw"] - x["Ll"])),
    "cpo": lambda x, hp: -F.logsigmoid(hp.beta * (x["lw"] - x["ll"])) - hp.lam * x["lw"],
    "slic": lambda x, hp: torch.relu(hp.delta - x["lw"] + x["ll"]) - hp.lam * x["lw"],
    "rrhf": lambda x, hp: torch.relu(x["ll"] / x["Ll"] - x["lw"] / x["Lw"]) - hp.lam * x["lw"],
    "kto": lambda x, hp: (
        hp.lambda_w * (1 - sig(hp.beta * (x["lw"] - x["rw"]) - hp.z_ref))  # type: ignore[operator]
        + hp.lambda_l * (1 - sig(hp.z_ref - hp.beta * (x["ll"] - x["rl"])))
    ),  # type: ignore[operator]
    "sppo": lambda x, hp: (
        (x["lw"] - x["rw"] - 1 / (2 * hp.beta)) ** 2 + (x["ll"] - x["rl"] + 1 / (2 * hp.beta)) ** 2
    ),
    "spo": lambda x, hp: -F.logsigmoid(dpo_z(x, hp)) + hp.lam * torch.relu(x["rw"] - x["lw"]),
}


def _dpo_like(z: Tensor, hp: Hyper) -> tuple[Tensor, Tensor]:
    return -hp.beta * sig(-z), hp.beta * sig(-z)


def _kto(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    s = sig(hp.beta * (x["lw"] - x["rw"]) - hp.z_ref)  # type: ignore[operator]
    t = sig(hp.z_ref - hp.beta * (x["ll"] - x["rl"]))  # type: ignore[operator]
    return -hp.lambda_w * hp.beta * s * (1 - s), hp.lambda_l * hp.beta * t * (1 - t)


def _dpop(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    z = dpo_z(x, hp) - hp.beta * hp.lam * torch.relu(x["rw"] - x["lw"])
    slope = hp.beta * (1 + hp.lam * (x["rw"] > x["lw"]).double())
    return -sig(-z) * slope, hp.beta * sig(-z)


def _ipo(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    u = (x["lw"] - x["rw"]) - (x["ll"] - x["rl"]) - 1 / (2 * hp.beta)
    return 2 * u, -2 * u


def _simpo(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    z = hp.beta * x["lw"] / x["Lw"] - hp.beta * x["ll"] / x["Ll"] - hp.gamma
    return -sig(-z) * hp.beta / x["Lw"], sig(-z) * hp.beta / x["Ll"]


def _cpo(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    gw, gl = _dpo_like(hp.beta * (x["lw"] - x["ll"]), hp)
    return gw - hp.lam, gl


def _slic(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    active = (hp.delta - x["lw"] + x["ll"] > 0).double()
    return -active - hp.lam, active


def _rrhf(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    active = (x["ll"] / x["Ll"] - x["lw"] / x["Lw"] > 0).double()
    return -active / x["Lw"] - hp.lam, active / x["Ll"]


def _sppo(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    return 2 * (x["lw"] - x["rw"] - 1 / (2 * hp.beta)), 2 * (x["ll"] - x["rl"] + 1 / (2 * hp.beta))


def _spo(x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor]:
    gw, gl = _dpo_like(dpo_z(x, hp), hp)
    return gw - hp.lam * (x["rw"] > x["lw"]).double(), gl


# Hand-derived ∂loss/∂log π_w and ∂loss/∂log π_l.
GRADS: dict[str, Grads] = {
    "dpo": lambda x, hp: _dpo_like(dpo_z(x, hp), hp),
    "dpop": _dpop,
    "ipo": _ipo,
    "simpo": _simpo,
    "rdpo": lambda x, hp: _dpo_like(dpo_z(x, hp) - hp.alpha * (x["Lw"] - x["Ll"]), hp),
    "cpo": _cpo,
    "slic": _slic,
    "rrhf": _rrhf,
    "kto": _kto,
    "sppo": _sppo,
    "spo": _spo,
}


def test_every_loss_has_a_direct_formula() -> None:
    assert set(VALUES) == set(LOSSES) == set(GRADS)


def run_family(name: str, x: Inputs, hp: Hyper) -> tuple[Tensor, Tensor, Tensor]:
    lw = x["lw"].clone().requires_grad_(True)
    ll = x["ll"].clone().requires_grad_(True)
    ctx = make_context(hp, x["rw"], x["rl"], x["Lw"], x["Ll"], lw, ll)
    value = LOSSES[name](lw, ll, ctx)
    g_w, g_l = torch.autograd.grad(value.sum(), [lw, ll])
    return value.detach(), g_w, g_l


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_value_and_gradient_match_direct_formula(name: str, seed: int) -> None:
    x = inputs(seed)
    hp = LOSSES[name].hyper(z_ref=0.3 if name == "kto" else None)
    value, g_w, g_l = run_family(name, x, hp)
    torch.testing.assert_close(value, VALUES[name](x, hp))
    want_w, want_l = GRADS[name](x, hp)
    torch.testing.assert_close(g_w, want_w)
    torch.testing.assert_close(g_l, want_l)


def test_gradient_coefficients_are_the_pitfalls_papers_d_w_and_d_l() -> None:
    x = inputs(3)
    for name, loss in LOSSES.items():
        hp = loss.hyper(z_ref=0.0)
        ctx = make_context(hp, x["rw"], x["rl"], x["Lw"], x["Ll"], x["lw"], x["ll"])
        d_w, d_l = gradient_coefficients(loss, x["lw"], x["ll"], ctx)
        want_w, want_l = GRADS[name](x, hp)
        torch.testing.assert_close(d_w, -want_w, msg=name)
        torch.testing.assert_close(d_l, want_l, msg=name)


def test_kto_batch_reference_point_is_clipped_mean_log_ratio() -> None:
    x = inputs(4)
    hp = LOSSES["kto"].hyper()
    ctx = make_context(hp, x["rw"], x["rl"], x["Lw"], x["Ll"], x["lw"], x["ll"])
    ratios = torch.cat([x["lw"] - x["rw"], x["ll"] - x["rl"]])
    assert float(ctx.z_ref[0]) == pytest.approx(max(float(ratios.mean()), 0.0))


@settings(max_examples=50, deadline=None)
@given(
    lw=st.floats(-200, -1),
    ll=st.floats(-200, -1),
    rw=st.floats(-200, -1),
    rl=st.floats(-200, -1),
    lam=st.floats(0, 100),
)
def test_dpop_is_dpo_plus_a_penalty_that_vanishes_above_the_reference(
    lw: float, ll: float, rw: float, rl: float, lam: float
) -> None:
    t = {
        k: torch.tensor([v], dtype=torch.float64)
        for k, v in {"lw": lw, "ll": ll, "rw": rw, "rl": rl}.items()
    }
    one = torch.ones(1, dtype=torch.float64)
    hp = Hyper(beta=0.1, lam=lam)
    ctx = make_context(hp, t["rw"], t["rl"], one, one, t["lw"], t["ll"])
    dpo, dpop = (
        float(LOSSES["dpo"](t["lw"], t["ll"], ctx)),
        float(LOSSES["dpop"](t["lw"], t["ll"], ctx)),
    )
    if lw >= rw or lam == 0:
        assert dpop == pytest.approx(dpo, rel=1e-9, abs=1e-9)
    else:
        assert dpop >= dpo - 1e-12


def test_hyper_overrides_only_given_values() -> None:
    hp = LOSSES["dpop"].hyper(beta=None, lam=10.0)
    assert (hp.beta, hp.lam) == (0.1, 10.0)
    assert LOSSES["simpo"].hyper().beta == 2.0


def test_unknown_loss_names_the_known_ones() -> None:
    with pytest.raises(PairgenError, match="dpop"):
        get_loss("dpx")
    assert get_loss("DPOP") is LOSSES["dpop"]
    # The torch-free list the CLI offers is the registry's, in order.
    assert tuple(LOSSES) == LOSS_NAMES


def test_importing_a_loss_does_not_import_transformers() -> None:
    """The losses are plain torch: TRL users and the CLI must not pay for transformers."""
    code = "import sys, pairgen.training.loop.losses; print('transformers' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
