// The service's scheduled jobs on a replica: the jobs that split their own work by share (ingest,
// score) as they are; every other job (rollup, retention, reports, training and prediction,
// recommendations, the alert jobs) on the one replica that owns the job's name under the live
// members, moving to another when that one dies; and the heartbeat.
import type { Job } from '../jobs/job.js';
import type { Membership, ReplicaSharing } from './membership.js';
import { unitKey } from './share.js';

/** Jobs that claim their own share of the work (their deps carry the membership). */
export const SPLIT_JOBS: ReadonlySet<string> = new Set(['ingest', 'score']);

export function onOneReplica(job: Job, replicas: ReplicaSharing): Job {
  const key = unitKey(`job:${job.name}`);
  return {
    ...job,
    run: async (signal) => {
      if ((await replicas.claim(job.name)).owns(key)) await job.run(signal);
    },
  };
}

export function replicaJobs(jobs: readonly Job[], membership: Membership): Job[] {
  return [membership.heartbeatJob(), ...jobs.map((job) => (SPLIT_JOBS.has(job.name) ? job : onOneReplica(job, membership)))];
}
