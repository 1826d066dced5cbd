/** Placeholder until the page is built. */
export function ModelFlow() {
  return <div className="page"><h1>ModelFlow</h1></div>;
}
