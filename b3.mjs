import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
const N=100000; 
function body(off){const recs=[];for(let i=0;i<N;i++){const f={};for(let j=0;j<20;j++) f['feature_'+j]= j<15? Math.random()*100 : ['a','b','c'][j%3];
recs.push({id:'p-'+(off+i),model:'m1',version:'v1',ts:1795000000000+off+i,features:f,prediction:1,score:Math.random(),latency_ms:12.3,segment:{region:'eu'}});}
return JSON.stringify(recs);}
fs.rmSync('/tmp/bd.duckdb',{force:true}); fs.rmSync('/tmp/bd.duckdb.wal',{force:true});
const inst = await DuckDBInstance.create('/tmp/bd.duckdb',{threads:'2'});
const c = await inst.connect();
const fcols=[...Array(20).keys()].map(j=>`"feature_${j}" ${j<15?'DOUBLE':'VARCHAR'}`);
await c.run(`create table p_m1(id VARCHAR, version VARCHAR, ts BIGINT, ${fcols.join(',')}, prediction VARCHAR, score DOUBLE, latency_ms DOUBLE, batch_size INTEGER, segment VARCHAR, batch BIGINT)`);
const struct=`STRUCT(${fcols.join(',')})`;
for (let k=0;k<6;k++){
 const b=body(k*N); fs.writeFileSync('/tmp/batch.json', b);
 let t=performance.now();
 await c.run('BEGIN');
 await c.run(`insert into p_m1 select s.id, s.version, s.ts, unnest(s.features), s.prediction, s.score, s.latency_ms, s.batch_size, s.segment, ${k} from read_json('/tmp/batch.json', format='array', columns={model:'VARCHAR',id:'VARCHAR',version:'VARCHAR',ts:'BIGINT',features:'${struct}',prediction:'VARCHAR',score:'DOUBLE',latency_ms:'DOUBLE',batch_size:'INTEGER',segment:'VARCHAR'}) s
 where not exists (select 1 from p_m1 p where p.id=s.id and p.ts between ${1795000000000+k*N} and ${1795000000000+k*N+N})`);
 await c.run('COMMIT');
 console.log('insert ms', performance.now()-t);
}
let t=performance.now();
const r=await c.runAndReadAll('select count(*)::INT n, avg(feature_3) from p_m1'); console.log(r.getRowObjects(), performance.now()-t);
