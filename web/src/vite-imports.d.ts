/** Vite's `?worker&url` import: the URL of the file built as its own bundle (the lip-sync AudioWorklet). */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
