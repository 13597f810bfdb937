"""Patient mode (Voila) versus training mode (JupyterLab).

Patients must never see trainer notes or answer keys, so patient mode wins whenever
there is any sign of Voila: the serve command sets CLINIC_EXPLAINER_MODE=patient for
its kernels, and Voila itself puts SERVER_SOFTWARE=voila/... in each kernel's environment.
"""

from __future__ import annotations

import os


def is_patient_mode() -> bool:
    if os.environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        return True
    return os.environ.get("CLINIC_EXPLAINER_MODE", "training") != "training"


def is_training_mode() -> bool:
    return not is_patient_mode()
