/** Placeholder until the page is built. */
export function Overview() {
  return <div className="page"><h1>Overview</h1></div>;
}
