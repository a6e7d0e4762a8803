export function AddModelPage() {
  return <h1>Add a model</h1>;
}
