// The TensorFlow ops a graph model (tfjs-converter's format) may hold, as
// tfjs-converter 4.22 maps them (its operations/op_list/*.ts): for each op its
// category, its inputs (name@start[..end]:type; a negative index counts from the
// end, end 0 means "to the end") and its attributes (tfName->name:type[=default],
// ~ a deprecated tfName). Parsed once into tfjs's OpMapper objects; the executors
// below compute each op with this package's ops, as tfjs's executors do.
// The control-flow, TensorArray/TensorList and hash-table ops run in
// graph_model.js and graph_lists.js (they need the executor's state).
import {complex, fft, ifft, imag, irfft, real, rfft} from './complex.js';
import {keep, tidy} from './engine.js';
import {linalg} from './linalg.js';
import {extraOps} from './ops_extra.js';
import {fused, ops} from './ops.js';
import {multinomial, randomStandardNormal, randomUniformInt} from './random.js';
import {sparse, sparseRaggedOps} from './sparse_ragged.js';
import {string} from './strings.js';
import {Tensor, dispose, scalar, tensor, tensor1d} from './tensor.js';
import {expandEllipsis, toNestedArray} from './util.js';

export {expandEllipsis};

// The ops as tf.* has them, gathered on first use (not from index.js: js/src has no import cycle).
let namespace = null;
export const tf = new Proxy({}, {
  get: (_, name) => {
    namespace = namespace || {
      ...ops, ...extraOps, ...sparseRaggedOps, fused, sparse, string, linalg, complex, real, imag, fft, ifft, rfft,
      irfft, multinomial, randomStandardNormal, randomUniformInt, tidy, keep, Tensor, dispose, scalar, tensor, tensor1d,
    };
    return namespace[name];
  },
});

const TABLE = `
arithmetic;Add;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;AddV2;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;AddN;tensors@0..0:tensors;
arithmetic;BiasAdd;a@0:tensor b@1:tensor;T->dtype:dtype data_format->dataFormat:string
arithmetic;Sub;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;RealDiv;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Div;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;DivNoNan;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;FloorDiv;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Mul;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Maximum;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Minimum;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Pow;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;SquaredDifference;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;Mod;a@0:tensor b@1:tensor;T->dtype:dtype
arithmetic;FloorMod;a@0:tensor b@1:tensor;T->dtype:dtype
basic_math;Abs;x@0:tensor;T->dtype:dtype
basic_math;Acos;x@0:tensor;T->dtype:dtype
basic_math;Asin;x@0:tensor;T->dtype:dtype
basic_math;Atan;x@0:tensor;T->dtype:dtype
basic_math;Atan2;x@0:tensor y@1:tensor;T->dtype:dtype
basic_math;Ceil;x@0:tensor;T->dtype:dtype
basic_math;ClipByValue;x@0:tensor clipValueMin@1:number clipValueMax@2:number;T->dtype:dtype
basic_math;Complex;real@0:tensor imag@1:tensor;T->dtype:dtype
basic_math;ComplexAbs;x@0:tensor;T->dtype:dtype
basic_math;Cos;x@0:tensor;T->dtype:dtype
basic_math;Cosh;x@0:tensor;T->dtype:dtype
basic_math;Elu;x@0:tensor;T->dtype:dtype
basic_math;Exp;x@0:tensor;T->dtype:dtype
basic_math;Floor;x@0:tensor;T->dtype:dtype
basic_math;Log;x@0:tensor;T->dtype:dtype
basic_math;Imag;x@0:tensor;T->dtype:dtype Tout->outputType:dtype
basic_math;Neg;x@0:tensor;T->dtype:dtype
basic_math;Real;x@0:tensor;T->dtype:dtype Tout->outputType:dtype
basic_math;Prelu;x@0:tensor alpha@1:tensor;T->dtype:dtype
basic_math;Relu;x@0:tensor;T->dtype:dtype
basic_math;Relu6;x@0:tensor;T->dtype:dtype
basic_math;Selu;x@0:tensor;T->dtype:dtype
basic_math;Sigmoid;x@0:tensor;T->dtype:dtype
basic_math;Sin;x@0:tensor;T->dtype:dtype
basic_math;Sinh;x@0:tensor;T->dtype:dtype
basic_math;Sqrt;x@0:tensor;T->dtype:dtype
basic_math;Rsqrt;x@0:tensor;T->dtype:dtype
basic_math;Square;x@0:tensor;T->dtype:dtype
basic_math;Tan;x@0:tensor;T->dtype:dtype
basic_math;Tanh;x@0:tensor;T->dtype:dtype
basic_math;Sign;x@0:tensor;T->dtype:dtype
basic_math;Round;x@0:tensor;T->dtype:dtype
basic_math;Expm1;x@0:tensor;T->dtype:dtype
basic_math;Log1p;x@0:tensor;T->dtype:dtype
basic_math;Reciprocal;x@0:tensor;T->dtype:dtype
basic_math;Softplus;x@0:tensor;T->dtype:dtype
basic_math;Asinh;x@0:tensor;T->dtype:dtype
basic_math;Acosh;x@0:tensor;T->dtype:dtype
basic_math;Atanh;x@0:tensor;T->dtype:dtype
basic_math;Erf;x@0:tensor;T->dtype:dtype
basic_math;LeakyRelu;x@0:tensor;alpha->alpha:number=0.2 T->dtype:dtype
basic_math;IsNan;x@0:tensor;T->dtype:dtype
basic_math;IsFinite;x@0:tensor;T->dtype:dtype
basic_math;IsInf;x@0:tensor;T->dtype:dtype
convolution;AvgPool;x@0:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string ksize->kernelSize:number[] T->dtype:dtype
convolution;MaxPool;x@0:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string ksize->kernelSize:number[] explicit_paddings->explicitPaddings:number[]=[] T->dtype:dtype
convolution;MaxPoolWithArgmax;x@0:tensor;strides->strides:number[] padding->pad:string ksize->kernelSize:number[] include_batch_in_index->includeBatchInIndex:bool T->dtype:dtype
convolution;AvgPool3D;x@0:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string ksize->kernelSize:number[] T->dtype:dtype
convolution;MaxPool3D;x@0:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string ksize->kernelSize:number[] T->dtype:dtype
convolution;Conv1D;x@0:tensor filter@1:tensor;stride->stride:number padding->pad:string data_format->dataFormat:string="NWC" T->dtype:dtype dilation->dilation:number=1
convolution;Conv2D;x@0:tensor filter@1:tensor;T->dtype:dtype strides->strides:number[] padding->pad:string useCudnnOnGpu->useCudnnOnGpu:bool data_format->dataFormat:string="NHWC" explicit_paddings->explicitPaddings:number[]=[] dilations->dilations:number[]
convolution;_FusedConv2D;x@0:tensor filter@1:tensor args@2..0:tensors;num_args->numArgs:number T->dtype:dtype strides->strides:number[] padding->pad:string explicit_paddings->explicitPaddings:number[]=[] use_cudnn_on_gpu->useCudnnOnGpu:bool=true data_format->dataFormat:string="NHWC" dilations->dilations:number[]=[1,1,1,1] fused_ops->fusedOps:string[]=[] epsilon->epsilon:number=0.0001 leakyrelu_alpha->leakyreluAlpha:number=0.2
convolution;Conv2DBackpropInput;x@2:tensor filter@1:tensor outputShape@0:number[];strides->strides:number[] padding->pad:string data_format->dataFormat:string explicit_paddings->explicitPaddings:number[]=[] dilations->dilations:number[]
convolution;DepthwiseConv2d;input@0:tensor filter@1:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string="NHWC" explicit_paddings->explicitPaddings:number[]=[] dilations->dilations:number[]
convolution;DepthwiseConv2dNative;input@0:tensor filter@1:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string="NHWC" explicit_paddings->explicitPaddings:number[]=[] dilations->dilations:number[]
convolution;FusedDepthwiseConv2dNative;x@0:tensor filter@1:tensor args@2..0:tensors;num_args->numArgs:number T->dtype:dtype strides->strides:number[] padding->pad:string data_format->dataFormat:string="NHWC" dilations->dilations:number[]=[1,1,1,1] fused_ops->fusedOps:string[]=[] explicit_paddings->explicitPaddings:number[]=[]
convolution;Conv3D;x@0:tensor filter@1:tensor;strides->strides:number[] padding->pad:string data_format->dataFormat:string="NHWC" dilations->dilations:number[]
convolution;Dilation2D;x@0:tensor filter@1:tensor;strides->strides:number[] rates->dilations:number[] padding->pad:string
creation;Fill;shape@0:number[] value@1:number;T->dtype:dtype
creation;LinSpace;start@0:number stop@1:number num@2:number;T->dtype:dtype
creation;OneHot;indices@0:tensor depth@1:number onValue@2:number offValue@3:number;axis->axis:number T->dtype:dtype
creation;Ones;shape@0:number[];T->dtype:dtype
creation;OnesLike;x@0:tensor;dtype->dtype:dtype
creation;RandomStandardNormal;shape@0:number[];seed->seed:number=0 seed2->seed2:number=0 dtype->dtype:dtype T->T:number
creation;RandomUniform;shape@0:number[];minval->minval:number=0 maxval->maxval:number=1 dtype->dtype:dtype seed->seed:number=0 seed2->seed2:number=0 T->T:number
creation;RandomUniformInt;shape@0:number[];minval->minval:number maxval->maxval:number seed->seed:number=0 seed2->seed2:number=0
creation;Range;start@0:number stop@1:number step@2:number;Tidx->dtype:dtype
creation;TruncatedNormal;shape@0:number[];means->mean:number=0 stddev->stdDev:number=1 seed->seed:number seed2->seed2:number=0 dtype->dtype:dtype T->T:number
creation;Zeros;shape@0:number[];T->dtype:dtype
creation;ZerosLike;x@0:tensor;T->dtype:dtype
creation;Multinomial;logits@0:tensor numSamples@1:number;seed->seed:number seed2->seed2:number T->dtype:dtype output_dtype->output_dtype:dtype
dynamic;NonMaxSuppressionV2;boxes@0:tensor scores@1:tensor maxOutputSize@2:number iouThreshold@3:number;
dynamic;NonMaxSuppressionV3;boxes@0:tensor scores@1:tensor maxOutputSize@2:number iouThreshold@3:number scoreThreshold@4:number;
dynamic;NonMaxSuppressionV4;boxes@0:tensor scores@1:tensor maxOutputSize@2:number iouThreshold@3:number scoreThreshold@4:number;T->dtype:dtype T_threshold->threshold:dtype pad_to_max_output_size->padToMaxOutputSize:bool
dynamic;NonMaxSuppressionV5;boxes@0:tensor scores@1:tensor maxOutputSize@2:number iouThreshold@3:number scoreThreshold@4:number softNmsSigma@5:number;
dynamic;Where;condition@0:tensor;T->dtype:dtype
dynamic;ListDiff;x@0:tensor y@1:tensor;T->dtype:dtype
evaluation;LowerBound;sortedSequence@0:tensor values@1:tensor;
evaluation;TopKV2;x@0:tensor k@1:number;sorted->sorted:bool
evaluation;UpperBound;sortedSequence@0:tensor values@1:tensor;
evaluation;Unique;x@0:tensor;
evaluation;UniqueV2;x@0:tensor axis@1:number;
graph;PlaceholderWithDefault;default@0:tensor;shape->shape:shape dtype->dtype:dtype
graph;Placeholder;;shape->shape:shape dtype->dtype:dtype
graph;Const;;
graph;Identity;x@0:tensor;
graph;IdentityN;x@0..0:tensors;
graph;Snapshot;x@0:tensor;
graph;Rank;x@0:tensor;
graph;Size;x@0:tensor;
graph;Shape;x@0:tensor;
graph;ShapeN;x@0..0:tensors;
graph;Print;x@0:tensor data@1:tensors;message->message:string first_n->firstN:number summarize->summarize:number=3
graph;NoOp;;
graph;StopGradient;x@0:tensor;
graph;FakeQuantWithMinMaxVars;x@0:tensor;min->min:number max->max:number
image;ResizeBilinear;images@0:tensor size@1:number[];align_corners->alignCorners:bool half_pixel_centers->halfPixelCenters:bool T->dtype:dtype
image;ResizeNearestNeighbor;images@0:tensor size@1:number[];align_corners->alignCorners:bool half_pixel_centers->halfPixelCenters:bool T->dtype:dtype
image;CropAndResize;image@0:tensor boxes@1:tensor boxInd@2:tensor cropSize@3:number[];method->method:string extrapolation_value->extrapolationValue:number
image;ImageProjectiveTransformV3;images@0:tensor transforms@1:tensor outputShape@2:number[] fillValue@3:number;interpolation->interpolation:string fill_mode->fillMode:string
logical;Equal;a@0:tensor b@1:tensor;T->dtype:dtype
logical;NotEqual;a@0:tensor b@1:tensor;T->dtype:dtype
logical;Greater;a@0:tensor b@1:tensor;T->dtype:dtype
logical;GreaterEqual;a@0:tensor b@1:tensor;T->dtype:dtype
logical;Less;a@0:tensor b@1:tensor;T->dtype:dtype
logical;LessEqual;a@0:tensor b@1:tensor;T->dtype:dtype
logical;LogicalAnd;a@0:tensor b@1:tensor;T->dtype:dtype
logical;LogicalNot;a@0:tensor;T->dtype:dtype
logical;LogicalOr;a@0:tensor b@1:tensor;T->dtype:dtype
logical;Select;condition@0:tensor a@1:tensor b@2:tensor;T->dtype:dtype
logical;SelectV2;condition@0:tensor a@1:tensor b@2:tensor;T->dtype:dtype
logical;BitwiseAnd;x@0:tensor y@1:tensor;
matrices;_FusedMatMul;a@0:tensor b@1:tensor args@2..0:tensors;num_args->numArgs:number fused_ops->fusedOps:string[]=[] epsilon->epsilon:number=0.0001 transpose_a->transposeA:bool=false transpose_b->transposeB:bool=false leakyrelu_alpha->leakyreluAlpha:number=0.2 T->dtype:dtype
matrices;MatMul;a@0:tensor b@1:tensor;transpose_a->transposeA:bool=false transpose_b->transposeB:bool=false T->dtype:dtype
matrices;BatchMatMul;a@0:tensor b@1:tensor;adj_x->transposeA:bool=false adj_y->transposeB:bool=false T->dtype:dtype
matrices;BatchMatMulV2;a@0:tensor b@1:tensor;adj_x->transposeA:bool=false adj_y->transposeB:bool=false T->dtype:dtype
matrices;Transpose;x@0:tensor perm@1:number[];T->dtype:dtype
matrices;Einsum;tensors@0..0:tensors;equation->equation:string N->n:number=2 T->dtype:dtype
matrices;MatrixBandPart;a@0:tensor numLower@1:tensor numUpper@1:tensor;
normalization;EuclideanNorm;x@0:tensor axis@1:number[];keep_dims->keepDims:bool=false
normalization;FusedBatchNorm;x@0:tensor scale@1:tensor offset@2:tensor mean@3:tensor variance@4:tensor;epsilon->epsilon:number=0.001 data_format->dataFormat:string
normalization;FusedBatchNormV2;x@0:tensor scale@1:tensor offset@2:tensor mean@3:tensor variance@4:tensor;epsilon->epsilon:number=0.001 data_format->dataFormat:string
normalization;FusedBatchNormV3;x@0:tensor scale@1:tensor offset@2:tensor mean@3:tensor variance@4:tensor;epsilon->epsilon:number=0.001 data_format->dataFormat:string
normalization;LRN;x@0:tensor;depth_radius->radius:number=5 bias->bias:number=1 alpha->alpha:number=1 beta->beta:number=0.5
normalization;Softmax;x@0:tensor;
normalization;LogSoftmax;x@0:tensor;
ragged;RaggedGather;paramsNestedSplits@0..-3:tensors paramsDenseValues@-2:tensor indices@-1:tensor;OUTPUT_RAGGED_RANK->outputRaggedRank:number
ragged;RaggedRange;starts@0:tensor limits@1:tensor splits@2:tensor;
ragged;RaggedTensorToTensor;shape@0:tensor values@1:tensor defaultValue@2:tensor rowPartitionTensors@3..0:tensors;row_partition_types->rowPartitionTypes:string[]
reduction;Bincount;x@0:tensor size@1:number weights@2:tensor;
reduction;DenseBincount;x@0:tensor size@1:number weights@2:tensor;binary_output->binaryOutput:bool
reduction;Max;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;Mean;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;Min;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;Sum;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;All;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;Any;x@0:tensor axis@1:number[];keep_dims->keepDims:bool
reduction;ArgMax;x@0:tensor axis@1:number;
reduction;ArgMin;x@0:tensor axis@1:number;
reduction;Prod;x@0:tensor axis@1:number[];keep_dims->keepDims:bool T->dtype:dtype
reduction;Cumprod;x@0:tensor axis@1:number;exclusive->exclusive:bool reverse->reverse:bool
reduction;Cumsum;x@0:tensor axis@1:number;exclusive->exclusive:bool reverse->reverse:bool
slice_join;ConcatV2;tensors@0..-1:tensors axis@-1:number;N->n:number=2
slice_join;Concat;tensors@1..0:tensors axis@0:number;N->n:number=2
slice_join;GatherV2;x@0:tensor indices@1:tensor axis@2:number;batch_dims->batchDims:number=0
slice_join;Gather;x@0:tensor indices@1:tensor;validate_indices->validateIndices:bool
slice_join;Reverse;x@0:tensor dims@1:bool[];
slice_join;ReverseV2;x@0:tensor axis@1:number[];
slice_join;Slice;x@0:tensor begin@1:number[] size@2:number[];
slice_join;StridedSlice;x@0:tensor begin@1:number[] end@2:number[] strides@3:number[];begin_mask->beginMask:number=0 end_mask->endMask:number=0 new_axis_mask->newAxisMask:number=0 ellipsis_mask->ellipsisMask:number=0 shrink_axis_mask->shrinkAxisMask:number=0
slice_join;Pack;tensors@0..0:tensors;axis->axis:number=0
slice_join;Unpack;tensor@0:tensor;axis->axis:number=0 num->num:number=0
slice_join;Tile;x@0:tensor reps@1:number[];
slice_join;Split;axis@0:number x@1:tensor;num_split->numOrSizeSplits:number=1
slice_join;SplitV;x@0:tensor numOrSizeSplits@1:number[] axis@2:number;
slice_join;ScatterNd;indices@0:tensor values@1:tensor shape@2:number[];
slice_join;GatherNd;x@0:tensor indices@1:tensor;
slice_join;SparseToDense;sparseIndices@0:tensor outputShape@1:number[] sparseValues@2:tensor defaultValue@3:tensor;validate_indices->validateIndices:bool=false
slice_join;TensorScatterUpdate;tensor@0:tensor indices@1:tensor values@2:tensor;
sparse;SparseFillEmptyRows;indices@0:tensor values@1:tensor denseShape@2:tensor defaultValue@3:tensor;
sparse;SparseReshape;inputIndices@0:tensor inputShape@1:tensor newShape@2:tensor;T->dtype:dtype
sparse;SparseSegmentMean;data@0:tensor indices@1:tensor segmentIds@2:tensor;
sparse;SparseSegmentSum;data@0:tensor indices@1:tensor segmentIds@2:tensor;
spectral;FFT;x@0:tensor;
spectral;IFFT;x@0:tensor;
spectral;RFFT;x@0:tensor fft_length@1:number;
spectral;IRFFT;x@0:tensor fft_length@1:number;
string;StaticRegexReplace;input@0:tensor;pattern->pattern:string rewrite->rewrite:string replace_global->replaceGlobal:bool
string;StringNGrams;data@0:tensor dataSplits@1:tensor;separator->separator:string ngram_widths->nGramWidths:number[] left_pad->leftPad:string right_pad->rightPad:string pad_width->padWidth:number preserve_short_sequences->preserveShortSequences:bool;ngrams,ngrams_splits
string;StringSplit;input@0:tensor delimiter@1:tensor;skip_empty->skipEmpty:bool;indices,values,shape
string;StringToHashBucketFast;input@0:tensor;num_buckets->numBuckets:number
transformation;Cast;x@0:tensor;SrcT->sdtype:dtype DstT->dtype:dtype
transformation;ExpandDims;x@0:tensor axis@1:number;
transformation;MirrorPad;x@0:tensor padding@1:number[];mode->mode:string
transformation;Pad;x@0:tensor padding@1:number[];constant_value->constantValue:number=0
transformation;PadV2;x@0:tensor padding@1:number[] constantValue@2:number;
transformation;Reshape;x@0:tensor shape@1:number[];
transformation;EnsureShape;x@0:tensor shape@1:number[];
transformation;Squeeze;x@0:tensor;axis->axis:number[]~squeeze_dims
transformation;SpaceToBatchND;x@0:tensor blockShape@1:number[] paddings@2:number[];
transformation;BatchToSpaceND;x@0:tensor blockShape@1:number[] crops@2:number[];
transformation;DepthToSpace;x@0:tensor;block_size->blockSize:number data_format->dataFormat:string
transformation;BroadcastTo;x@0:tensor shape@1:number[];
transformation;BroadcastArgs;s0@0:tensor s1@1:tensor;
hash_table;HashTable;;shared_name->sharedName:string use_node_name_sharing->useNodeNameSharing:bool key_dtype->keyDType:dtype value_dtype->valueDType:dtype
hash_table;HashTableV2;;shared_name->sharedName:string use_node_name_sharing->useNodeNameSharing:bool key_dtype->keyDType:dtype value_dtype->valueDType:dtype
hash_table;LookupTableImport;tableHandle@0:tensor keys@1:tensor values@2:tensor;Tin->tIn:dtype Tout->tOut:dtype
hash_table;LookupTableImportV2;tableHandle@0:tensor keys@1:tensor values@2:tensor;Tin->tIn:dtype Tout->tOut:dtype
hash_table;LookupTableFind;tableHandle@0:tensor keys@1:tensor defaultValue@2:tensor;Tin->tIn:dtype Tout->tOut:dtype
hash_table;LookupTableFindV2;tableHandle@0:tensor keys@1:tensor defaultValue@2:tensor;Tin->tIn:dtype Tout->tOut:dtype
hash_table;LookupTableSize;tableHandle@0:tensor;
hash_table;LookupTableSizeV2;tableHandle@0:tensor;
hash_table;InitializeTable;tableHandle@0:tensor keys@1:tensor values@2:tensor;
hash_table;InitializeTableV2;tableHandle@0:tensor keys@1:tensor values@2:tensor;
control;EmptyTensorList;elementShape@0:shape maxNumElements@1:number;element_dtype->elementDType:dtype
control;TensorArrayV3;size@0:number;dtype->dtype:dtype element_shape->elementShape:shape dynamic_size->dynamicSize:bool clear_after_read->clearAfterRead:bool identical_element_shapes->identicalElementShapes:bool tensor_array_name->name:string
control;TensorArrayWriteV3;tensorArrayId@0:tensor index@1:number tensor@2:tensor flowIn@3:number;T->dtype:dtype
control;TensorArrayReadV3;tensorArrayId@0:tensor index@1:number flowIn@2:number;dtype->dtype:dtype
control;TensorArrayGatherV3;tensorArrayId@0:tensor indices@1:number[] flowIn@2:number;dtype->dtype:dtype element_shape->elementShape:shape
control;TensorArrayScatterV3;tensorArrayId@0:tensor indices@1:number[] tensor@2:tensor flowIn@3:number;T->dtype:dtype
control;TensorArrayConcatV3;tensorArrayId@0:tensor flowIn@1:number;dtype->dtype:dtype element_shape_except0->elementShapeExcept0:shape
control;TensorArraySplitV3;tensorArrayId@0:tensor tensor@1:tensor lengths@2:number[] flowIn@3:number;T->dtype:dtype
control;TensorArraySizeV3;tensorArrayId@0:tensor flowIn@1:number;
control;TensorArrayCloseV3;tensorArrayId@0:tensor;
control;TensorListScatter;tensor@0:tensor indices@1:number[] elementShape@2:shape;element_dtype->elementDType:dtype
control;TensorListScatterV2;tensor@0:tensor indices@1:number[] elementShape@2:shape numElements@3:number;element_dtype->elementDType:dtype
control;TensorListGather;tensorListId@0:tensor indices@1:number[] elementShape@2:shape;element_dtype->elementDType:dtype
control;TensorListGetItem;tensorListId@0:tensor index@1:number elementShape@2:shape;element_dtype->elementDType:dtype
control;TensorListSetItem;tensorListId@0:tensor index@1:number tensor@2:tensor;element_dtype->elementDType:dtype
control;TensorListReserve;elementShape@0:shape numElements@1:number;element_dtype->elementDType:dtype
control;TensorListFromTensor;tensor@0:tensor elementShape@1:shape;element_dtype->elementDType:dtype
control;TensorListStack;tensorListId@0:tensor elementShape@1:shape;element_dtype->elementDType:dtype num_elements->numElements:dtype
control;TensorListSplit;tensor@0:tensor elementShape@1:shape lengths@2:number[];element_dtype->elementDType:dtype
control;TensorListConcat;tensorListId@0:tensor;element_shape->elementShape:shape element_dtype->elementDType:dtype
control;TensorListConcatV2;tensorListId@0:tensor;element_shape->elementShape:shape element_dtype->elementDType:dtype
control;TensorListPopBack;tensorListId@0:tensor elementShape@1:shape;element_dtype->elementDType:dtype
control;TensorListPushBack;tensorListId@0:tensor tensor@1:tensor;element_dtype->elementDType:dtype
control;TensorListLength;tensorListId@0:tensor;
control;TensorListResize;tensorListId@0:tensor size@1:number;
control;LoopCond;pred@0:tensor;
control;Switch;data@0:tensor pred@1:tensor;
control;Merge;tensors@0..0:tensors;
control;Enter;tensor@0:tensor;T->dtype:dtype frame_name->frameName:string is_constant->isConstant:bool
control;Exit;tensor@0:tensor;T->dtype:dtype
control;NextIteration;tensor@0:tensor;T->dtype:dtype
control;StatelessIf;cond@0:tensor args@1..0:tensors;then_branch->thenBranch:func else_branch->elseBranch:func
control;If;cond@0:tensor args@1..0:tensors;then_branch->thenBranch:func else_branch->elseBranch:func
control;StatelessWhile;args@0..0:tensors;cond->cond:func body->body:func
control;While;args@0..0:tensors;cond->cond:func body->body:func
`;

/** op name -> {tfOpName, category, inputs: [{name, start, end, type}], attrs: [{tfName, name, type, defaultValue, tfDeprecatedName}], outputs}. */
export const OP_MAPPERS = (() => {
  const out = {};
  for (const line of TABLE.trim().split('\n')) {
    const [category, tfOpName, ins, attrs, outputs] = line.split(';');
    const inputs = ins.split(' ').filter(Boolean).map(s => {
      const m = /^(\w+)@(-?\d+)(?:\.\.(-?\d+))?:(.+)$/.exec(s);
      return {name: m[1], start: Number(m[2]), end: m[3] === undefined ? undefined : Number(m[3]), type: m[4]};
    });
    const attrList = attrs.split(' ').filter(Boolean).map(s => {
      const m = /^([\w-]+)->(\w+):([\w[\]]+)(?:=([^~]*))?(?:~(\w+))?$/.exec(s);
      return {tfName: m[1], name: m[2], type: m[3], defaultValue: m[4] === undefined ? undefined : JSON.parse(m[4]),
              tfDeprecatedName: m[5]};
    });
    out[tfOpName] = {tfOpName, category, inputs, attrs: attrList, outputs: outputs ? outputs.split(',') : undefined};
  }
  return out;
})();

// ---- attribute decoding (tfjs-converter's operation_mapper.ts) ----------------------

// TensorFlow's DataType enum (tensorflow/core/framework/types.proto), by name and number.
const DT = {DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_UINT8: 4, DT_INT16: 5, DT_INT8: 6, DT_STRING: 7,
            DT_COMPLEX64: 8, DT_INT64: 9, DT_BOOL: 10, DT_COMPLEX128: 18, DT_HALF: 19};

function decodeBase64(text) {
  if (typeof atob === 'function') return atob(text);
  return Buffer.from(text, 'base64').toString();  // eslint-disable-line no-undef
}

export function parseStringParam(s, keepCase) {
  const value = Array.isArray(s) ? String.fromCharCode.apply(null, s) : decodeBase64(s);
  return keepCase ? value : value.toLowerCase();
}

export function getStringParam(attrs, name, def, keepCase = false) {
  const param = attrs[name];
  return param != null ? parseStringParam(param.s, keepCase) : def;
}

export function getBoolParam(attrs, name, def) {
  const param = attrs[name];
  return param ? param.b : def;
}

export function getNumberParam(attrs, name, def) {
  const param = attrs[name] || {};
  const value = param.i != null ? param.i : (param.f != null ? param.f : def);
  return typeof value === 'number' ? value : parseInt(value, 10);
}

export function parseDtypeParam(value) {
  if (typeof value === 'string') value = DT[value];
  switch (value) {
    case DT.DT_FLOAT: case DT.DT_HALF: case DT.DT_DOUBLE: return 'float32';
    case DT.DT_INT32: case DT.DT_INT64: case DT.DT_INT8: case DT.DT_UINT8: return 'int32';
    case DT.DT_BOOL: return 'bool';
    case DT.DT_STRING: return 'string';
    case DT.DT_COMPLEX64: case DT.DT_COMPLEX128: return 'complex64';
    default: return null;  // as tfjs: an unknown dtype fails where it is used, not at load
  }
}

function getFuncParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.func ? param.func.name : def;
}

export function getDtypeParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.type ? parseDtypeParam(param.type) : def;
}

export function getDtypeArrayParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.list && param.list.type ? param.list.type.map(v => parseDtypeParam(v)) : def;
}

function parseTensorShapeParam(shape) {
  if (shape.unknownRank) return undefined;
  if (shape.dim != null) return shape.dim.map(d => (typeof d.size === 'number' ? d.size : parseInt(d.size, 10)));
  return [];
}

export function getTensorShapeParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.shape ? parseTensorShapeParam(param.shape) : def;
}

export function getNumericArrayParam(attrs, name, def) {
  const param = attrs[name];
  if (!param) return def;
  return ((param.list.f && param.list.f.length ? param.list.f : param.list.i) || [])
      .map(v => (typeof v === 'number' ? v : parseInt(v, 10)));
}

export function getStringArrayParam(attrs, name, def, keepCase = false) {
  const param = attrs[name];
  return param && param.list && param.list.s ? param.list.s.map(v => parseStringParam(v, keepCase)) : def;
}

export function getTensorShapeArrayParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.list && param.list.shape ? param.list.shape.map(v => parseTensorShapeParam(v)) : def;
}

export function getBoolArrayParam(attrs, name, def) {
  const param = attrs[name];
  return param && param.list && param.list.b ? param.list.b : def;
}

const ATTR_GETTERS = {
  'string': getStringParam, 'string[]': getStringArrayParam,
  'number': (attrs, name, def) => getNumberParam(attrs, name, def || 0), 'number[]': getNumericArrayParam,
  'bool': getBoolParam, 'bool[]': getBoolArrayParam, 'shape': getTensorShapeParam,
  'shape[]': getTensorShapeArrayParam, 'dtype': getDtypeParam, 'dtype[]': getDtypeArrayParam, 'func': getFuncParam,
};

/** One attribute param's value as tfjs's mapNode reads it (the deprecated name as fallback). */
export function attrParamValue(rawAttrs, param) {
  const get = ATTR_GETTERS[param.type];
  if (get == null) throw new Error(`Unsupported param type: ${param.type}`);
  let value = get(rawAttrs, param.tfName, param.defaultValue);
  if (value === undefined && param.tfDeprecatedName) value = get(rawAttrs, param.tfDeprecatedName, param.defaultValue);
  return value;
}

// ---- reading a node's params while it runs (tfjs's executors/utils.ts) ---------------

export function parseNodeName(name) {
  if (name === '') return ['', 0, undefined];
  const parts = name.split(':');
  if (parts.length === 1) return [name, 0, undefined];
  return [parts[0], Number(parts[parts.length - 1]), parts.length === 3 ? parts[1] : undefined];
}

/** A node's name inside a loop frame (tfjs keys a frame's tensors `name-contextId`). */
export const nameWithContextId = (name, contextId) => (contextId ? `${name}-${contextId}` : name);

/** The tensor `name` ('node' or 'node:i') names; inside loop frames, the innermost frame's that has one. */
export function getTensor(name, tensorsMap, context) {
  const [nodeName, index] = parseNodeName(name);
  if (context == null) {
    const tensors = tensorsMap[nodeName];
    return tensors ? tensors[index] : undefined;
  }
  const id = context.currentContextIds.find(cid => !!tensorsMap[nameWithContextId(nodeName, cid)]);
  return id !== undefined ? tensorsMap[nameWithContextId(nodeName, id)][index] : undefined;
}

export function getParamValue(paramName, node, tensorMap, context) {
  const inputParam = node.inputParams[paramName];
  if (inputParam && inputParam.inputIndexStart !== undefined) {
    const start = inputParam.inputIndexStart;
    const end = inputParam.inputIndexEnd === 0 ? undefined
        : (inputParam.inputIndexEnd === undefined ? start + 1 : inputParam.inputIndexEnd);
    const shiftedStart = start < 0 ? node.inputNames.length + start : start;
    if (inputParam.type === 'tensor') return getTensor(node.inputNames[shiftedStart], tensorMap, context);
    if (inputParam.type === 'tensors') {
      // As tfjs: control inputs from NoOp nodes order the graph but are no values.
      const inputs = node.inputs.slice(start, end);
      return node.inputNames.slice(start, end).filter((_n, i) => (inputs[i] && inputs[i].op) !== 'NoOp')
          .map(name => getTensor(name, tensorMap, context));
    }
    const tensor = getTensor(node.inputNames[shiftedStart], tensorMap, context);
    if (tensor == null) throw new Error(`Node '${node.name}' (${node.op}): input '${paramName}' has no value`);
    const data = tensor.dataSync();
    return inputParam.type === 'number' ? data[0] : toNestedArray(tensor.shape, Array.from(data));
  }
  const attrParam = node.attrParams[paramName];
  return attrParam && attrParam.value;
}

function getPadding(p) {
  let pad = p('pad');
  if (pad === 'explicit') {
    pad = p('explicitPaddings');
    const explicit = [[0, 0], [0, 0], [0, 0], [0, 0]];
    for (let i = 0; i < 4; i++) {
      explicit[i][0] = pad[i * 2];
      explicit[i][1] = pad[i * 2 + 1];
    }
    return explicit;
  }
  return pad;
}

const cloneTensor = t => (t.kept ? t : tf.clone(t));

function fusedParams(p, what) {
  const [extraOp, activationFunc] = p('fusedOps');
  const isBiasAdd = extraOp === 'biasadd', isPrelu = activationFunc === 'prelu';
  const numArgs = p('numArgs');
  if (isBiasAdd) {
    if (isPrelu && numArgs !== 2) {
      throw new Error(`${what} with BiasAdd and Prelu must have two extra arguments: bias and alpha.`);
    }
    if (!isPrelu && numArgs !== 1) throw new Error(`${what} with BiasAdd must have one extra argument: bias.`);
  }
  if (extraOp === 'fusedbatchnorm') throw new Error(`${what} with FusedBatchNorm is not supported`);
  let [biasArg, preluArg] = p('args');
  if (!isBiasAdd) {
    preluArg = biasArg;
    biasArg = undefined;
  }
  return {bias: biasArg, activation: activationFunc, preluActivationWeights: preluArg,
          leakyreluAlpha: p('leakyreluAlpha')};
}

const fusedConvArgs = (p, what) => {
  const stride = p('strides'), dilations = p('dilations');
  return {x: p('x'), filter: p('filter'), strides: [stride[1], stride[2]], pad: getPadding(p),
          dataFormat: p('dataFormat').toUpperCase(), dilations: [dilations[1], dilations[2]],
          ...fusedParams(p, what)};
};

const unary = fn => p => [fn(p('x'))];
const binary = fn => p => [fn(p('a'), p('b'))];
const reduce = fn => p => [fn(p('x'), p('axis'), p('keepDims'))];
const pool2d = fn => p => {
  const stride = p('strides'), k = p('kernelSize');
  return [fn(p('x'), [k[1], k[2]], [stride[1], stride[2]], p('pad'))];
};
const pool3d = fn => p => {
  const stride = p('strides'), k = p('kernelSize');
  return [fn(p('x'), [k[1], k[2], k[3]], [stride[1], stride[2], stride[3]], p('pad'))];
};

/** op -> (p(paramName), node, tensorMap, context) => Tensor[] (or a Promise of them: dynamic and control ops). */
export const EXECUTORS = {
  // arithmetic
  BiasAdd: binary((a, b) => tf.add(a, b)), Add: binary((a, b) => tf.add(a, b)), AddV2: binary((a, b) => tf.add(a, b)),
  AddN: p => [tf.addN(p('tensors'))],
  FloorMod: binary((a, b) => tf.mod(a, b)), Mod: binary((a, b) => tf.mod(a, b)), Mul: binary((a, b) => tf.mul(a, b)),
  RealDiv: binary((a, b) => tf.div(a, b)), Div: binary((a, b) => tf.div(a, b)),
  DivNoNan: binary((a, b) => tf.divNoNan(a, b)), FloorDiv: binary((a, b) => tf.floorDiv(a, b)),
  Sub: binary((a, b) => tf.sub(a, b)), Minimum: binary((a, b) => tf.minimum(a, b)),
  Maximum: binary((a, b) => tf.maximum(a, b)), Pow: binary((a, b) => tf.pow(a, b)),
  SquaredDifference: binary((a, b) => tf.squaredDifference(a, b)),
  // basic math
  Abs: unary(x => tf.abs(x)), ComplexAbs: unary(x => tf.abs(x)), Acos: unary(x => tf.acos(x)),
  Acosh: unary(x => tf.acosh(x)), Asin: unary(x => tf.asin(x)), Asinh: unary(x => tf.asinh(x)),
  Atan: unary(x => tf.atan(x)), Atan2: p => [tf.atan2(p('x'), p('y'))], Atanh: unary(x => tf.atanh(x)),
  Ceil: unary(x => tf.ceil(x)), Complex: p => [tf.complex(p('real'), p('imag'))], Cos: unary(x => tf.cos(x)),
  Cosh: unary(x => tf.cosh(x)), Elu: unary(x => tf.elu(x)), Erf: unary(x => tf.erf(x)), Exp: unary(x => tf.exp(x)),
  Expm1: unary(x => tf.expm1(x)), Floor: unary(x => tf.floor(x)), Log: unary(x => tf.log(x)),
  Log1p: unary(x => tf.log1p(x)), Imag: unary(x => tf.imag(x)), Neg: unary(x => tf.neg(x)),
  Reciprocal: unary(x => tf.reciprocal(x)), Real: unary(x => tf.real(x)), Relu: unary(x => tf.relu(x)),
  Round: unary(x => tf.round(x)), Selu: unary(x => tf.selu(x)), Sigmoid: unary(x => tf.sigmoid(x)),
  Sin: unary(x => tf.sin(x)), Sign: unary(x => tf.sign(x)), Sinh: unary(x => tf.sinh(x)),
  Softplus: unary(x => tf.softplus(x)), Sqrt: unary(x => tf.sqrt(x)), Square: unary(x => tf.square(x)),
  Tanh: unary(x => tf.tanh(x)), Tan: unary(x => tf.tan(x)),
  ClipByValue: p => [tf.clipByValue(p('x'), p('clipValueMin'), p('clipValueMax'))],
  Relu6: unary(x => tf.relu6(x)), Rsqrt: unary(x => tf.rsqrt(x)),
  LeakyRelu: p => [tf.leakyRelu(p('x'), p('alpha'))], Prelu: p => [tf.prelu(p('x'), p('alpha'))],
  IsNan: unary(x => tf.isNaN(x)), IsInf: unary(x => tf.isInf(x)), IsFinite: unary(x => tf.isFinite(x)),
  // convolution
  Conv1D: p => [tf.conv1d(p('x'), p('filter'), p('stride'), p('pad'), p('dataFormat').toUpperCase(), p('dilation'))],
  Conv2D: p => {
    const stride = p('strides'), dilations = p('dilations');
    return [tf.conv2d(p('x'), p('filter'), [stride[1], stride[2]], getPadding(p), p('dataFormat').toUpperCase(),
                      [dilations[1], dilations[2]])];
  },
  _FusedConv2D: p => [tf.fused.conv2d(fusedConvArgs(p, 'FusedConv2d and DepthwiseConv2d'))],
  FusedDepthwiseConv2dNative: p => [tf.fused.depthwiseConv2d(fusedConvArgs(p, 'FusedConv2d and DepthwiseConv2d'))],
  Conv2DBackpropInput: p => {
    const stride = p('strides');
    return [tf.conv2dTranspose(p('x'), p('filter'), p('outputShape'), [stride[1], stride[2]], getPadding(p))];
  },
  DepthwiseConv2d: p => EXECUTORS.DepthwiseConv2dNative(p),
  DepthwiseConv2dNative: p => {
    const stride = p('strides'), dilations = p('dilations');
    return [tf.depthwiseConv2d(p('input'), p('filter'), [stride[1], stride[2]], getPadding(p),
                               p('dataFormat').toUpperCase(), [dilations[1], dilations[2]])];
  },
  Conv3D: p => {
    const stride = p('strides'), dilations = p('dilations');
    return [tf.conv3d(p('x'), p('filter'), [stride[1], stride[2], stride[3]], p('pad'), p('dataFormat').toUpperCase(),
                      [dilations[1], dilations[2], dilations[3]])];
  },
  AvgPool: pool2d((...a) => tf.avgPool(...a)), MaxPool: pool2d((...a) => tf.maxPool(...a)),
  MaxPoolWithArgmax: p => {
    const stride = p('strides'), k = p('kernelSize');
    const {result, indexes} = tf.maxPoolWithArgmax(p('x'), [k[1], k[2]], [stride[1], stride[2]], p('pad'),
                                                   p('includeBatchInIndex'));
    return [result, indexes];
  },
  AvgPool3D: pool3d((...a) => tf.avgPool3d(...a)), MaxPool3D: pool3d((...a) => tf.maxPool3d(...a)),
  Dilation2D: p => {
    const strides = p('strides'), dilations = p('dilations');
    return [tf.dilation2d(p('x'), p('filter'), [strides[1], strides[2]], p('pad'), [dilations[1], dilations[2]], 'NHWC')];
  },
  // creation
  Fill: p => [tf.fill(p('shape'), p('value'), p('dtype'))],
  LinSpace: p => [tf.linspace(p('start'), p('stop'), p('num'))],
  Multinomial: p => [tf.multinomial(p('logits'), p('numSamples'), p('seed'))],
  OneHot: p => [tf.oneHot(p('indices'), p('depth'), p('onValue'), p('offValue'), p('dtype'))],
  Ones: p => [tf.ones(p('shape'), p('dtype'))], OnesLike: unary(x => tf.onesLike(x)),
  RandomStandardNormal: p => [tf.randomStandardNormal(p('shape'), p('dtype'), p('seed'))],
  RandomUniform: p => [tf.randomUniform(p('shape'), p('minval'), p('maxval'), p('dtype'))],
  RandomUniformInt: p => [tf.randomUniformInt(p('shape'), p('minval'), p('maxval'), p('seed'))],
  Range: p => [tf.range(p('start'), p('stop'), p('step'), p('dtype'))],
  TruncatedNormal: p => [tf.truncatedNormal(p('shape'), p('mean'), p('stdDev'), p('dtype'), p('seed'))],
  Zeros: p => [tf.zeros(p('shape'), p('dtype'))], ZerosLike: unary(x => tf.zerosLike(x)),
  // dynamic (executeAsync only)
  NonMaxSuppressionV5: async p => {
    const r = await tf.image.nonMaxSuppressionWithScoreAsync(p('boxes'), p('scores'), p('maxOutputSize'),
                                                             p('iouThreshold'), p('scoreThreshold'), p('softNmsSigma'));
    return [r.selectedIndices, r.selectedScores];
  },
  NonMaxSuppressionV4: async p => {
    const r = await tf.image.nonMaxSuppressionPaddedAsync(p('boxes'), p('scores'), p('maxOutputSize'),
                                                          p('iouThreshold'), p('scoreThreshold'), p('padToMaxOutputSize'));
    return [r.selectedIndices, r.validOutputs];
  },
  NonMaxSuppressionV3: async p => [await tf.image.nonMaxSuppressionAsync(
      p('boxes'), p('scores'), p('maxOutputSize'), p('iouThreshold'), p('scoreThreshold'))],
  NonMaxSuppressionV2: async p => [await tf.image.nonMaxSuppressionAsync(
      p('boxes'), p('scores'), p('maxOutputSize'), p('iouThreshold'), p('scoreThreshold'))],
  Where: async p => {
    const condition = tf.cast(p('condition'), 'bool');
    try {
      return [await tf.whereAsync(condition)];
    } finally {
      condition.dispose();
    }
  },
  ListDiff: p => tf.setdiff1dAsync(p('x'), p('y')),
  // evaluation
  LowerBound: p => [tf.lowerBound(p('sortedSequence'), p('values'))],
  TopKV2: p => {
    const r = tf.topk(p('x'), p('k'), p('sorted'));
    return [r.values, r.indices];
  },
  UpperBound: p => [tf.upperBound(p('sortedSequence'), p('values'))],
  Unique: p => {
    const r = tf.unique(p('x'));
    return [r.values, r.indices];
  },
  UniqueV2: p => {
    const r = tf.unique(p('x'), p('axis'));
    return [r.values, r.indices];
  },
  // graph
  Const: (p, node, tensorMap) => {
    const w = tensorMap[node.name];
    if (w == null) throw new Error(`Const node '${node.name}' has no value: the weights manifest has no weight of that name`);
    return w;
  },
  PlaceholderWithDefault: (p, node, tensorMap, ctx) => [getTensor(node.name, tensorMap, ctx && ctx.frames) || p('default')],
  Placeholder: (p, node, tensorMap, ctx) => [getTensor(node.name, tensorMap, ctx && ctx.frames)],
  Identity: p => [cloneTensor(p('x'))], StopGradient: p => [cloneTensor(p('x'))],
  FakeQuantWithMinMaxVars: p => [cloneTensor(p('x'))],  // as tfjs: the op is ignored
  IdentityN: p => p('x').map(t => cloneTensor(t)), Snapshot: p => [cloneTensor(p('x'))],
  Shape: p => [tf.tensor1d(p('x').shape, 'int32')],
  ShapeN: p => p('x').map(t => tf.tensor1d(t.shape)),
  Size: p => [tf.scalar(p('x').size, 'int32')], Rank: p => [tf.scalar(p('x').rank, 'int32')],
  NoOp: () => [tf.scalar(1)],
  Print: p => {
    const input = p('x'), data = p('data'), summarize = p('summarize');
    console.warn('The graph has a tf.print() operation,usually used for debugging, which slows down performance.');
    console.log(p('message'));
    for (const d of data) console.log(Array.prototype.slice.call(d.dataSync()).slice(0, summarize));
    return [input];
  },
  // image
  ResizeBilinear: p => {
    const size = p('size');
    return [tf.image.resizeBilinear(p('images'), [size[0], size[1]], p('alignCorners'), p('halfPixelCenters'))];
  },
  ResizeNearestNeighbor: p => {
    const size = p('size');
    return [tf.image.resizeNearestNeighbor(p('images'), [size[0], size[1]], p('alignCorners'), p('halfPixelCenters'))];
  },
  CropAndResize: p => [tf.image.cropAndResize(p('image'), p('boxes'), p('boxInd'), p('cropSize'), p('method'),
                                              p('extrapolationValue'))],
  ImageProjectiveTransformV3: p => [tf.image.transform(p('images'), p('transforms'), p('interpolation').toLowerCase(),
                                                       p('fillMode').toLowerCase(), p('fillValue'), p('outputShape'))],
  // logical
  Equal: binary((a, b) => tf.equal(a, b)), NotEqual: binary((a, b) => tf.notEqual(a, b)),
  Greater: binary((a, b) => tf.greater(a, b)), GreaterEqual: binary((a, b) => tf.greaterEqual(a, b)),
  Less: binary((a, b) => tf.less(a, b)), LessEqual: binary((a, b) => tf.lessEqual(a, b)),
  LogicalAnd: binary((a, b) => tf.logicalAnd(a, b)), LogicalNot: p => [tf.logicalNot(p('a'))],
  LogicalOr: binary((a, b) => tf.logicalOr(a, b)),
  Select: p => [tf.where(p('condition'), p('a'), p('b'))], SelectV2: p => [tf.where(p('condition'), p('a'), p('b'))],
  BitwiseAnd: binary((a, b) => tf.bitwiseAnd(a, b)),
  // matrices
  BatchMatMul: p => [tf.matMul(p('a'), p('b'), p('transposeA'), p('transposeB'))],
  BatchMatMulV2: p => [tf.matMul(p('a'), p('b'), p('transposeA'), p('transposeB'))],
  MatMul: p => [tf.matMul(p('a'), p('b'), p('transposeA'), p('transposeB'))],
  Einsum: p => [tf.einsum(p('equation'), ...p('tensors'))],
  Transpose: p => [tf.transpose(p('x'), p('perm'))],
  _FusedMatMul: p => {
    const {bias, activation, preluActivationWeights, leakyreluAlpha} = fusedMatMulParams(p);
    return [tf.fused.matMul({a: p('a'), b: p('b'), transposeA: p('transposeA'), transposeB: p('transposeB'), bias,
                             activation, preluActivationWeights, leakyreluAlpha})];
  },
  MatrixBandPart: p => [tf.linalg.bandPart(p('a'), p('numLower'), p('numUpper'))],
  // normalization
  EuclideanNorm: p => [tf.euclideanNorm(p('x'), p('axis'), p('keepDims'))],
  FusedBatchNorm: p => [tf.batchNorm(p('x'), p('mean'), p('variance'), p('offset'), p('scale'), p('epsilon'))],
  FusedBatchNormV2: p => [tf.batchNorm(p('x'), p('mean'), p('variance'), p('offset'), p('scale'), p('epsilon'))],
  FusedBatchNormV3: p => [tf.batchNorm(p('x'), p('mean'), p('variance'), p('offset'), p('scale'), p('epsilon'))],
  LRN: p => [tf.localResponseNormalization(p('x'), p('radius'), p('bias'), p('alpha'), p('beta'))],
  Softmax: unary(x => tf.softmax(x)), LogSoftmax: unary(x => tf.logSoftmax(x)),
  // ragged
  RaggedGather: p => {
    const {outputNestedSplits, outputDenseValues} = tf.raggedGather(p('paramsNestedSplits'), p('paramsDenseValues'),
                                                                    p('indices'), p('outputRaggedRank'));
    return outputNestedSplits.concat(outputDenseValues);
  },
  RaggedRange: p => {
    const {rtNestedSplits, rtDenseValues} = tf.raggedRange(p('starts'), p('limits'), p('splits'));
    return [rtNestedSplits, rtDenseValues];
  },
  RaggedTensorToTensor: p => [tf.raggedTensorToTensor(p('shape'), p('values'), p('defaultValue'),
                                                      p('rowPartitionTensors'),
                                                      p('rowPartitionTypes').map(t => t.toUpperCase()))],
  // reduction
  Max: reduce((...a) => tf.max(...a)), Mean: reduce((...a) => tf.mean(...a)), Min: reduce((...a) => tf.min(...a)),
  Sum: reduce((...a) => tf.sum(...a)), All: reduce((...a) => tf.all(...a)), Any: reduce((...a) => tf.any(...a)),
  Prod: reduce((...a) => tf.prod(...a)),
  ArgMax: p => [tf.argMax(p('x'), p('axis'))], ArgMin: p => [tf.argMin(p('x'), p('axis'))],
  Cumprod: p => [tf.cumprod(p('x'), p('axis'), p('exclusive'), p('reverse'))],
  Cumsum: p => [tf.cumsum(p('x'), p('axis'), p('exclusive'), p('reverse'))],
  Bincount: p => [tf.bincount(p('x'), p('weights'), p('size'))],
  DenseBincount: p => [tf.denseBincount(p('x'), p('weights'), p('size'), p('binaryOutput'))],
  // slice and join
  ConcatV2: p => [tf.concat(p('tensors').slice(0, p('n')), p('axis'))],
  Concat: p => [tf.concat(p('tensors').slice(0, p('n')), p('axis'))],
  Gather: p => [tf.gather(p('x'), tf.cast(p('indices'), 'int32'), 0)],
  GatherV2: p => [tf.gather(p('x'), tf.cast(p('indices'), 'int32'), p('axis'), p('batchDims'))],
  Reverse: p => {
    const dims = p('dims'), axis = [];
    for (let i = 0; i < dims.length; i++) if (dims[i]) axis.push(i);
    return [tf.reverse(p('x'), axis)];
  },
  ReverseV2: p => [tf.reverse(p('x'), p('axis'))],
  Slice: p => [tf.slice(p('x'), p('begin'), p('size'))],
  StridedSlice: p => {
    const x = p('x');
    const s = expandEllipsis(x.rank, p('begin'), p('end'), p('strides'), {
      beginMask: p('beginMask'), endMask: p('endMask'), ellipsisMask: p('ellipsisMask'), newAxisMask: p('newAxisMask'),
      shrinkAxisMask: p('shrinkAxisMask')});
    return [tf.stridedSlice(x, s.begin, s.end, s.strides, s.beginMask, s.endMask, s.ellipsisMask, s.newAxisMask,
                            s.shrinkAxisMask)];
  },
  Pack: p => tf.tidy(() => {
    const axis = p('axis'), tensors = p('tensors');
    const shape = tensors[0].shape, squeezedShape = tf.squeeze(tensors[0]).shape;
    const same = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);
    const mapped = tensors.map(t => {
      const sameShape = same(t.shape, shape);
      if (!sameShape && !same(tf.squeeze(t).shape, squeezedShape)) throw new Error('the input tensors shape does not match');
      return sameShape ? t : tf.reshape(t, shape);
    });
    return [tf.stack(mapped, axis)];
  }),
  Unpack: p => tf.unstack(p('tensor'), p('axis')),
  Tile: p => [tf.tile(p('x'), p('reps'))],
  Split: p => tf.split(p('x'), p('numOrSizeSplits'), p('axis')),
  SplitV: p => tf.split(p('x'), p('numOrSizeSplits'), p('axis')),
  ScatterNd: p => [tf.scatterND(p('indices'), p('values'), p('shape'))],
  GatherNd: p => [tf.gatherND(p('x'), p('indices'))],
  SparseToDense: p => {
    const sparseValues = p('sparseValues'), defaultValue = p('defaultValue');
    return [tf.sparseToDense(p('sparseIndices'), sparseValues, p('outputShape'),
                             sparseValues.dtype === defaultValue.dtype ? defaultValue : tf.cast(defaultValue, sparseValues.dtype))];
  },
  TensorScatterUpdate: p => [tf.tensorScatterUpdate(p('tensor'), p('indices'), p('values'))],
  // sparse
  SparseFillEmptyRows: p => {
    const r = tf.sparse.sparseFillEmptyRows(p('indices'), p('values'), p('denseShape'), p('defaultValue'));
    return [r.outputIndices, r.outputValues, r.emptyRowIndicator, r.reverseIndexMap];
  },
  SparseReshape: p => {
    const r = tf.sparse.sparseReshape(p('inputIndices'), p('inputShape'), p('newShape'));
    return [r.outputIndices, r.outputShape];
  },
  SparseSegmentMean: p => [tf.sparse.sparseSegmentMean(p('data'), p('indices'), p('segmentIds'))],
  SparseSegmentSum: p => [tf.sparse.sparseSegmentSum(p('data'), p('indices'), p('segmentIds'))],
  // spectral
  FFT: unary(x => tf.fft(x)), IFFT: unary(x => tf.ifft(x)), RFFT: unary(x => tf.rfft(x)), IRFFT: unary(x => tf.irfft(x)),
  // string
  StaticRegexReplace: p => [tf.string.staticRegexReplace(p('input'), p('pattern'), p('rewrite'), p('replaceGlobal'))],
  StringNGrams: p => {
    const r = tf.string.stringNGrams(p('data'), p('dataSplits'), p('separator'), p('nGramWidths'), p('leftPad'),
                                     p('rightPad'), p('padWidth'), p('preserveShortSequences'));
    return [r.nGrams, r.nGramsSplits];
  },
  StringSplit: p => {
    const r = tf.string.stringSplit(p('input'), p('delimiter'), p('skipEmpty'));
    return [r.indices, r.values, r.shape];
  },
  StringToHashBucketFast: p => [tf.string.stringToHashBucketFast(p('input'), p('numBuckets'))],
  // transformation
  Cast: p => [tf.cast(p('x'), p('dtype'))],
  ExpandDims: p => [tf.expandDims(p('x'), p('axis'))],
  Squeeze: p => [tf.squeeze(p('x'), p('axis'))],
  Reshape: p => [tf.reshape(p('x'), p('shape'))],
  EnsureShape: p => [tf.ensureShape(p('x'), p('shape'))],
  MirrorPad: p => [tf.mirrorPad(p('x'), p('padding'), p('mode'))],
  PadV2: p => [tf.pad(p('x'), p('padding'), p('constantValue'))],
  Pad: p => [tf.pad(p('x'), p('padding'), p('constantValue'))],
  SpaceToBatchND: p => [tf.spaceToBatchND(p('x'), p('blockShape'), p('paddings'))],
  BatchToSpaceND: p => [tf.batchToSpaceND(p('x'), p('blockShape'), p('crops'))],
  DepthToSpace: p => [tf.depthToSpace(p('x'), p('blockSize'), p('dataFormat').toUpperCase())],
  BroadcastTo: p => [tf.broadcastTo(p('x'), p('shape'))],
  BroadcastArgs: p => [tf.broadcastArgs(p('s0'), p('s1'))],
};

function fusedMatMulParams(p) {
  const [extraOp, activationFunc] = p('fusedOps');
  const isBiasAdd = extraOp === 'biasadd', isPrelu = activationFunc === 'prelu';
  const numArgs = p('numArgs');
  if (isBiasAdd) {
    if (isPrelu && numArgs !== 2) {
      throw new Error('Fused MatMul with BiasAdd and Prelu must have two extra arguments: bias and alpha.');
    }
    if (!isPrelu && numArgs !== 1) throw new Error('Fused MatMul with BiasAdd must have one extra argument: bias.');
  }
  const [bias, preluActivationWeights] = p('args');
  return {bias, activation: activationFunc, preluActivationWeights, leakyreluAlpha: p('leakyreluAlpha')};
}
