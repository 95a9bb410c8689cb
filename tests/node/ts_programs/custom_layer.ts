// A custom layer as the tfjs docs write it, registered for serialization.
import * as tf from '@tensorflow/tfjs';

class Scale extends tf.layers.Layer {
  static className = 'Scale';
  private alpha: tf.LayerVariable | null = null;
  private readonly init: number;

  constructor(config: {init?: number, name?: string, trainable?: boolean} = {}) {
    super(config);
    this.init = config.init ?? 1;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    this.alpha = this.addWeight('alpha', [shape[shape.length - 1] as number], 'float32',
                                tf.initializers.constant({value: this.init}));
    this.built = true;
  }

  computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: {[key: string]: any}): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(x, this.alpha!.read());
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    const base = super.getConfig();
    return {...base, init: this.init};
  }
}
tf.serialization.registerClass(Scale);

export async function run(): Promise<void> {
  const model = tf.sequential();
  model.add(tf.layers.dense({units: 3, inputShape: [2]}));
  model.add(new Scale({init: 2}));
  model.compile({optimizer: 'sgd', loss: 'meanSquaredError'});
  await model.fit(tf.ones([4, 2]), tf.ones([4, 3]), {epochs: 1, verbose: 0});
  const artifacts: tf.io.ModelArtifacts[] = [];
  await model.save(tf.io.withSaveHandler(async a => {
    artifacts.push(a);
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts[0]));
  const out = loaded.predict(tf.ones([1, 2])) as tf.Tensor;
  console.log(out.shape);
}
