export default function Page() {
  return <p>heatmap</p>;
}
