/** Placeholder until the page is built. */
export function DashboardView() {
  return <div className="page"><h1>DashboardView</h1></div>;
}
