/** Placeholder until the page is built. */
export function Dashboards() {
  return <div className="page"><h1>Dashboards</h1></div>;
}
