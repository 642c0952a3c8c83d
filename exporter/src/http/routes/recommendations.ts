// GET /api/v1/recommendations (ranked, with the count and success rate behind each rank),
// GET /api/v1/recommendations/{id} (with its audit trail), and for editors:
// POST /api/v1/recommendations/{id}/apply      {} marks it applied (done by hand);
//                                              {"execute": true, "dryRun"?: bool} runs its webhook
// POST /api/v1/recommendations/{id}/approve    approves its webhook (required before execute; admin only)
// POST /api/v1/recommendations/{id}/rollback   calls its rollback webhook
// POST /api/v1/recommendations/{id}/dismiss
// POST /api/v1/recommendations/{id}/feedback   {"helpful": bool, "comment"?: string}
import express, { type Request, type Response } from 'express';
import { markApplied, markDismissed, rank, STATUSES, type Recommendation, type RecommendationStatus } from '@sextant/core/recommend';
import { authOf, roleAllows } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { shownValue } from '../../shown-value.js';
import { BadRequest, NotFound, predictDeps, queryInt, queryString, sendError } from './query-params.js';

const MAX_COMMENT = 2000;

export function recommendationsRoutes(api: ApiDeps): express.Router {
  const router = express.Router();
  // Resolved per request, so the routes exist (and answer 503) when the stages are off.
  const deps = {
    get store() {
      return predictDeps(api).recommendations;
    },
    get runner() {
      return predictDeps(api).runner;
    },
    now: () => predictDeps(api).now(),
  };

  router.get('/recommendations', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const statusText = queryString(req, 'status') ?? 'open';
      const statuses = statusText.split(',');
      const bad = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
      if (bad) throw new BadRequest(`query parameter status: got "${bad}", expected one or more of ${STATUSES.join(', ')} (comma-separated)`);
      const recs = await deps.store.list(tenant, statuses as RecommendationStatus[], queryInt(req, 'limit', 1, 10_000) ?? 500);
      const ranked = rank(recs, await deps.store.actionRecords(tenant));
      res.json({
        recommendations: ranked.map((r, i) => ({ ...r.recommendation, rank: i + 1, score: r.score, posterior: r.posterior })),
      });
    } catch (error) {
      sendError(res, error);
    }
  });

  router.get('/recommendations/:id', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const rec = await find(tenant, String(req.params.id));
      res.json({ recommendation: rec, audit: await deps.store.auditTrail(tenant, rec.id) });
    } catch (error) {
      sendError(res, error);
    }
  });

  const action = (
    path: string,
    required: 'editor' | 'admin',
    handle: (tenant: string, tokenName: string, rec: Recommendation, body: Record<string, unknown>, res: Response) => Promise<void>,
  ) => {
    router.post(`/recommendations/:id/${path}`, async (req: Request, res: Response) => {
      try {
        const auth = authOf(res);
        if (!roleAllows(auth.role, required)) {
          res.status(403).json({ error: `POST /recommendations/{id}/${path}: role ${auth.role} may not ${path} recommendations (${required} needed)` });
          return;
        }
        const body: unknown = req.body ?? {};
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('request body: expected a JSON object');
        await handle(auth.tenant, auth.tokenName, await find(auth.tenant, String(req.params.id)), body as Record<string, unknown>, res);
      } catch (error) {
        sendError(res, error);
      }
    });
  };

  action('apply', 'editor', async (tenant, tokenName, rec, body, res) => {
    const execute = optionalBoolean(body, 'execute') ?? false;
    const dryRun = optionalBoolean(body, 'dryRun') ?? false;
    if (!execute) {
      if (dryRun) throw new BadRequest('request body: dryRun only makes sense with "execute": true');
      const applied = markApplied(rec, deps.now());
      await deps.store.save(tenant, [applied]);
      res.json({ recommendation: applied });
      return;
    }
    const result = await deps.runner.execute(tenant, rec, tokenName, dryRun);
    const code = result.status === 'refused' ? 409 : result.status === 'failed' ? 502 : 200;
    res.status(code).json(result.status === 'refused' || result.status === 'failed' ? { error: result.reason, result } : { result });
  });

  // Approving lets a webhook run against real systems: an admin's decision, so an editor cannot
  // approve the run they then execute.
  action('approve', 'admin', async (tenant, tokenName, rec, _body, res) => {
    if (rec.status !== 'open') throw new BadRequest(`recommendation ${rec.id} is ${rec.status}, only open ones can be approved`);
    if (!rec.webhook) throw new BadRequest(`recommendation ${rec.id} has no action webhook to approve`);
    await deps.runner.approve(tenant, rec, tokenName);
    res.json({ approved: rec.id });
  });

  action('rollback', 'editor', async (tenant, tokenName, rec, _body, res) => {
    const result = await deps.runner.rollback(tenant, rec, tokenName);
    const code = result.status === 'refused' ? 409 : result.status === 'failed' ? 502 : 200;
    res.status(code).json(result.status === 'refused' || result.status === 'failed' ? { error: result.reason, result } : { result });
  });

  action('dismiss', 'editor', async (tenant, _tokenName, rec, _body, res) => {
    const dismissed = markDismissed(rec, deps.now());
    await deps.store.save(tenant, [dismissed]);
    res.json({ recommendation: dismissed });
  });

  action('feedback', 'editor', async (tenant, tokenName, rec, body, res) => {
    const helpful = optionalBoolean(body, 'helpful');
    if (helpful === undefined) throw new BadRequest('request body: "helpful" is required (true or false)');
    const comment = body['comment'];
    if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT)) {
      throw new BadRequest(`request body: "comment" must be a string of at most ${MAX_COMMENT} characters`);
    }
    await deps.store.addFeedback(tenant, rec, { recommendationId: rec.id, at: deps.now(), helpful, tokenName, ...(comment ? { comment } : {}) });
    const records = await deps.store.actionRecords(tenant);
    const [ranked] = rank([rec], records);
    res.json({ recorded: true, posterior: ranked!.posterior });
  });

  async function find(tenant: string, id: string): Promise<Recommendation> {
    const rec = await deps.store.get(tenant, id);
    if (!rec) throw new NotFound(`recommendation ${id} not found`);
    return rec;
  }

  return router;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new BadRequest(`request body: "${name}" must be true or false, got ${shownValue(value)}`);
  return value;
}
