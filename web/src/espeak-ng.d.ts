/** The `espeak-ng` package (eSpeak NG compiled with Emscripten) ships no types: the part the app uses. */
declare module 'espeak-ng' {
  interface EspeakModule {
    FS: { readFile(path: string): Uint8Array; writeFile(path: string, data: string): void };
  }
  interface EspeakArgs {
    arguments: string[];
    print?: (s: string) => void;
    printErr?: (s: string) => void;
    preRun?: ((m: EspeakModule) => void)[];
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => object;
  }
  const ESpeakNG: (args: EspeakArgs) => Promise<EspeakModule>;
  export default ESpeakNG;
}
