export function SimPage() {
  return <h1>Simulator</h1>;
}
