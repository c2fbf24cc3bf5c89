/**
 * A weighted sum of simple losses. Terms may not themselves be sums: that keeps the
 * schema non-recursive (friendlier to validators and OpenAPI tooling) and costs nothing,
 * since nested weighted sums flatten into one.
 */
import { tf } from '../tf.js';
import { invalid } from '../../errors.js';
import { checkKeys, isRecord, pickLoss, type Loss, type LossImpl } from './common.js';
import { cosineLoss } from './cosine.js';
import { linearLoss } from './linear.js';
import { mseLoss } from './mse.js';
import { MAX_SUM_TERMS, SumLossSpecSchema } from './schema.js';

/** The losses a sum may combine, by name. */
export const TERM_LOSSES: Readonly<Record<string, LossImpl>> = {
  mse: mseLoss,
  linear: linearLoss,
  cosine: cosineLoss,
};

interface Term {
  weight: number;
  loss: Loss;
}

function buildTerms(terms: unknown, field: string, xShape: readonly number[]): Term[] {
  if (!Array.isArray(terms) || terms.length < 1 || terms.length > MAX_SUM_TERMS) {
    throw invalid(field, `expected an array of 1 to ${MAX_SUM_TERMS} terms`);
  }
  const built: Term[] = [];
  try {
    terms.forEach((term: unknown, i) => {
      const at = `${field}[${i}]`;
      if (!isRecord(term)) throw invalid(at, 'expected { "weight": number, "loss": {...} }');
      checkKeys(term, at, ['weight', 'loss']);
      if (typeof term.weight !== 'number' || !Number.isFinite(term.weight)) {
        throw invalid(`${at}.weight`, 'expected a finite number');
      }
      const { impl, spec } = pickLoss(TERM_LOSSES, term.loss, `${at}.loss`, {
        sum: 'a sum term cannot itself be a sum (flatten the weights instead)',
      });
      built.push({ weight: term.weight, loss: impl.build(spec, `${at}.loss`, xShape) });
    });
  } catch (err) {
    // Terms built before the bad one already hold tensors.
    for (const t of built) t.loss.dispose();
    throw err;
  }
  return built;
}

export const sumLoss: LossImpl = {
  schema: SumLossSpecSchema,
  build(spec, field, xShape): Loss {
    checkKeys(spec, field, ['type', 'terms']);
    const terms = buildTerms(spec.terms, `${field}.terms`, xShape);
    return {
      value(x0) {
        return tf.tidy(() => {
          let total = tf.mul(terms[0].loss.value(x0), terms[0].weight);
          for (const t of terms.slice(1)) total = tf.add(total, tf.mul(t.loss.value(x0), t.weight));
          return total as tf.Scalar;
        });
      },
      dispose() {
        for (const t of terms) t.loss.dispose();
      },
    };
  },
};
