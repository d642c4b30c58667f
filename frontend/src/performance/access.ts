/** Whether a role (or a comma-separated list of roles) may open the performance page. */
export const canSeePerformance = (role?: string | null): boolean =>
  /(^|\W)(admin|lead)(\W|$)/.test(role ?? "");
