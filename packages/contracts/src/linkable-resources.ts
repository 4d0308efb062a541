import { z } from 'zod';
import { PathReference, ProjectAction } from './projects.js';

/**
 * HERE's `LinkableResource`: makes a resource linkable into one project (`projectHrn`) or into every project of its
 * organization (`realmHrn`); links into those projects may allow at most `allowedActions`.
 */
export const LinkableResource = z
  .object({
    resource: z.string().min(1).max(1024),
    projectHrn: z.string().min(1).max(1024).optional(),
    realmHrn: z.string().min(1).max(1024).optional(),
    allowedActions: z.array(ProjectAction).min(1).max(50),
  })
  .refine((body) => (body.projectHrn === undefined) !== (body.realmHrn === undefined), {
    message: 'exactlyOneOfProjectHrnAndRealmHrn',
    path: ['projectHrn'],
  });
export type LinkableResource = z.infer<typeof LinkableResource>;

/** `PUT /resources/{resource}/linkable/{linkableToHrn}`: the new allowed actions. */
export const LinkableResourceUpdate = z.object({ allowedActions: z.array(ProjectAction).min(1).max(50) });

/** HERE's `DetailedLinkableResource`: the linkable resource, with the project it is linkable to. */
export const DetailedLinkableResource = z.object({
  resource: z.string(),
  projectHrn: z.string().optional(),
  realmHrn: z.string().optional(),
  allowedActions: z.array(z.string()),
  projectId: z.string().optional(),
  projectName: z.string().optional(),
  projectDescription: z.string().optional(),
});
export type DetailedLinkableResource = z.infer<typeof DetailedLinkableResource>;

export const DetailedLinkableResourceList = z.object({
  limit: z.number().int(),
  total: z.number().int(),
  items: z.array(DetailedLinkableResource),
});

export const LinkableResourceParams = z.object({ resource: PathReference, linkableTo: PathReference });
