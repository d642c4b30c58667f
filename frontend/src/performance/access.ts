/** Whether a role may open the performance page (admins and team leads). */
export function canSeePerformance(role: string | undefined | null): boolean {
  return (role ?? "").split(/[\s,]+/).some((r) => r === "admin" || r === "lead");
}
