// Module closed_form: the paper's expressions, one family per header, each a template on the scalar.
//   setting.hpp        Setting (d, s2), Task (theta0 or -theta0), N = n + 1
//   pretrained.hpp     R_pre, gamma*(m), the authors' m/(m+1+d), the classical convention, the ICL threshold
//   full_finetune.hpp  F(c) risks on theta0 and -theta0
//   value_only.hpp     R_v(b, w), b = theta0/(d+4), w*(n), the n -> infinity limit
//   key_query.hpp      key-query-only fine-tuning: the memorizing optimum c*(n_ft) and its risk (C6)
//   balance.hpp        c from the balance law, c* (claim C3)
//   formulas.hpp       all of the above as one policy type (PaperFormulas), the seam for mutants
//   family.hpp         a named family + parameters -> closed-form risk and parameter matrices
// Derivations: docs/derivations.md.
#pragma once

#include "closed_form/balance.hpp"
#include "closed_form/family.hpp"
#include "closed_form/formulas.hpp"
#include "closed_form/full_finetune.hpp"
#include "closed_form/key_query.hpp"
#include "closed_form/pretrained.hpp"
#include "closed_form/setting.hpp"
#include "closed_form/value_only.hpp"
